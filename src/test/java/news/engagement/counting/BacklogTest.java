package news.engagement.counting;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import news.engagement.metrics.EngagementMetrics.CountedType;
import org.junit.jupiter.api.Test;

/** A backlog gives back every event, equal and in order, whether it was kept as it came or packed. */
class BacklogTest {
  private static Countable event(int i) {
    CountedType type = CountedType.values()[i % CountedType.values().length];
    String network = type == CountedType.SHARE ? (i % 2 == 0 ? "telegram" : "x") : null;
    String address = i % 3 == 0 ? "" : "a1xyz" + i;
    String visitor = i % 7 == 0 ? "v-é-" + i : "c1abcdefghijklmnop" + i; // one not ASCII
    String source = i % 4 == 0 ? "search:google" : "";
    return new Countable(type, "article-" + (i % 13), visitor, network, address, source);
  }

  @Test
  void everyEventComesBackEqualAndInOrderAcrossLooseAndPackedParts() {
    Backlog backlog = new Backlog(10);
    List<Countable> sent = new ArrayList<>();
    List<Countable> got = new ArrayList<>();
    int next = 0;
    // Adds and polls interleaved, so that packed chunks are unpacked while more are added behind them.
    for (int round = 0; round < 5; round++) {
      for (int i = 0; i < 1_500 + round * 700; i++) {
        Countable e = event(next++);
        sent.add(e);
        backlog.add(e);
      }
      if (round == 0) {
        assertThat(backlog.packedEvents()).isEqualTo(1_490);
      }
      for (int i = 0; i < 1_200; i++) {
        got.add(backlog.poll());
      }
      assertThat(backlog.size()).isEqualTo(sent.size() - got.size());
    }
    while (!backlog.isEmpty()) {
      got.add(backlog.poll());
    }
    assertThat(backlog.poll()).isNull();
    assertThat(got).isEqualTo(sent);
  }

  @Test
  void aShortBacklogStaysAsItCame() {
    Backlog backlog = new Backlog(8_000);
    Countable e = event(1);
    backlog.add(e);
    assertThat(backlog.packedEvents()).isZero();
    assertThat(backlog.poll()).isSameAs(e);
    assertThat(backlog.isEmpty()).isTrue();
  }
}
