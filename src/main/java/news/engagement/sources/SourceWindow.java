package news.engagement.sources;

/**
 * The windows editors ask sources for. 1h and 24h are read live from Redis: the current bucket and the
 * previous whole ones (twelve five-minute, twenty-four hour buckets), so like the top lists they cover
 * between the window less one bucket and the full window. 7d is read from ClickHouse's per-minute rows
 * (the last 7 × 24 hours up to now, less what the flusher has not written yet, about one FLUSH_INTERVAL).
 */
enum SourceWindow {
  HOUR("1h", true),
  DAY("24h", true),
  WEEK("7d", false);

  final String code;
  private final boolean live;

  SourceWindow(String code, boolean live) {
    this.code = code;
    this.live = live;
  }

  static SourceWindow of(String code) {
    for (SourceWindow w : values()) {
      if (w.code.equals(code)) {
        return w;
      }
    }
    return null;
  }

  boolean live() {
    return live;
  }
}
