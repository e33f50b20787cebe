package news.engagement.sources;

import java.time.Duration;

/**
 * The windows editors ask sources for. 1h and 24h are read live from Redis: the current bucket and the
 * previous whole ones (twelve five-minute, twenty-four hour buckets), so like the top lists they cover
 * between the window less one bucket and the full window. 7d is read from ClickHouse's per-minute rows
 * (the last 7 × 24 hours up to now, less what the flusher has not written yet, about one FLUSH_INTERVAL).
 */
enum SourceWindow {
  HOUR("1h", Duration.ofMinutes(5), 12),
  DAY("24h", Duration.ofHours(1), 24),
  WEEK("7d", null, 0);

  final String code;
  /** The live bucket length, or null when the window is read from ClickHouse. */
  final Duration bucket;
  final int buckets;

  SourceWindow(String code, Duration bucket, int buckets) {
    this.code = code;
    this.bucket = bucket;
    this.buckets = buckets;
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
    return bucket != null;
  }
}
