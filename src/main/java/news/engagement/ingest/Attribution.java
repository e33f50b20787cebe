package news.engagement.ingest;

import java.util.List;

/**
 * Where a person's view came from, as the label {@code medium:source} counted with the view (the
 * sources room, {@code news.engagement.sources}); {@link #NONE} when no room classifies: views then carry
 * no source. Called per view on an event loop: cheap, thread-safe, never throws.
 */
@FunctionalInterface
public interface Attribution {
  Attribution NONE = (url, referrer) -> "";

  /** The first that classifies (rooms offer one at most), or {@link #NONE}. */
  static Attribution first(List<Attribution> candidates) {
    return candidates.stream().filter(a -> a != NONE).findFirst().orElse(NONE);
  }

  /** The view's label from its page {@code url} and {@code referrer} (untrusted, each may be null); "" for none. */
  String label(String url, String referrer);
}
