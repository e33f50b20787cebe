package news.engagement.sources;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Direct views implied per article from its window views (SourceReads), with hashes of both layouts. */
class SourceCountsTest {
  @Test
  void directIsTheViewsNoOtherSourceClaims() {
    SourceCounts counts = new SourceCounts();
    counts.add("search:google", 3);
    counts.add("messenger:telegram", 2);
    counts.implyDirect(12);
    assertThat(counts.total()).isEqualTo(12);
    assertThat(counts.items(10)).contains(new SourceCounts.Item(Source.DIRECT, 7));
  }

  @Test
  void aHashWrittenBeforeWithExplicitDirectViewsIsNotCountedTwice() {
    // Written before: 4 direct views with a field; since then 6 more direct views without one.
    SourceCounts counts = new SourceCounts();
    counts.add("search:google", 3);
    counts.add("direct:direct", 4);
    counts.implyDirect(13);
    assertThat(counts.total()).isEqualTo(13);
    assertThat(counts.items(10)).contains(new SourceCounts.Item(Source.DIRECT, 10));
  }

  @Test
  void viewsMissingFromTheTopSetsNeverTakeAwayWhatTheHashHolds() {
    // E.g. an hour bucket not rolled up yet: the top sets show fewer views than the hash's sources.
    SourceCounts counts = new SourceCounts();
    counts.add("search:google", 3);
    counts.add("direct:direct", 2);
    counts.implyDirect(1);
    assertThat(counts.total()).isEqualTo(5);
    SourceCounts none = new SourceCounts();
    none.implyDirect(0);
    assertThat(none.items(10)).isEmpty();
    assertThat(none.top()).isNull();
  }
}
