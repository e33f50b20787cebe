package news.engagement.ingest;

/**
 * Where a reader's presence goes: pings, and the views that show a person is on a page (the
 * presence room, {@code news.engagement.presence}); and what a reader did there: conversions and
 * outbound clicks (the conversions room, {@code news.engagement.conversions}). {@link #NONE} when no room listens: pings are then
 * taken and ignored, and views count as always.
 */
public interface Attention {
  /** Takes and ignores everything. */
  Attention NONE = new Attention() {
    @Override
    public boolean ping(String article, String visitor, int engagedSeconds, int depth) {
      return true;
    }

    @Override
    public void viewed(String article, String visitor) {
    }
  };

  /** All of them; a ping is taken only when each takes it (else 503, like any event without room). */
  static Attention all(java.util.List<Attention> listeners) {
    java.util.List<Attention> all = listeners.stream().filter(a -> a != NONE).toList();
    if (all.isEmpty()) {
      return NONE;
    }
    if (all.size() == 1) {
      return all.get(0);
    }
    return new Attention() {
      @Override
      public boolean ping(String article, String visitor, int engagedSeconds, int depth) {
        boolean taken = true;
        for (Attention a : all) {
          taken &= a.ping(article, visitor, engagedSeconds, depth);
        }
        return taken;
      }

      @Override
      public void viewed(String article, String visitor) {
        all.forEach(a -> a.viewed(article, visitor));
      }

      @Override
      public boolean converted(String article, String visitor, String goal) {
        boolean taken = true;
        for (Attention a : all) {
          taken &= a.converted(article, visitor, goal);
        }
        return taken;
      }

      @Override
      public boolean clickedOut(String article, String visitor, String destination) {
        boolean taken = true;
        for (Attention a : all) {
          taken &= a.clickedOut(article, visitor, destination);
        }
        return taken;
      }
    };
  }

  /**
   * A person's ping (never a bot's). Thread-safe and never blocks.
   *
   * @return false when there is no room for it (the caller answers 503 like for any event)
   */
  boolean ping(String article, String visitor, int engagedSeconds, int depth);

  /** A person's view that was accepted for counting (also a duplicate: the reader is there). Never blocks. */
  void viewed(String article, String visitor);

  /**
   * A person's conversion (a valid goal) on an article. Thread-safe, never blocks; false when there is no
   * room for it (503). Rooms that do not count conversions take and ignore it.
   */
  default boolean converted(String article, String visitor, String goal) {
    return true;
  }

  /** A person's click on a link out of the site, by destination host; as {@link #converted}. */
  default boolean clickedOut(String article, String visitor, String destination) {
    return true;
  }
}
