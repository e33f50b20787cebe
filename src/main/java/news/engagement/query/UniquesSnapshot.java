package news.engagement.query;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The uniques lists of one rebuild; see {@link UniquesLists}. */
record UniquesSnapshot(long open, Instant at, long startNanos, Map<Window, List<TopItem>> lists) {
}
