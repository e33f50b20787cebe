package news.engagement.counting;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.SlotHash;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written slot function agrees with Lettuce's (and so with Redis Cluster's) on any key. */
class KeysSlotTest {
  private static final String CHARS = "abcXYZ019._:/-{}é€ ";

  @Test
  void slotOfIsLettucesSlotHash() {
    Random random = new Random(7);
    for (int i = 0; i < 50_000; i++) {
      StringBuilder key = new StringBuilder();
      int n = random.nextInt(40);
      for (int k = 0; k < n; k++) {
        key.append(CHARS.charAt(random.nextInt(CHARS.length())));
      }
      String k = key.toString();
      if (Keys.slotOf(k) != SlotHash.getSlot(k)) {
        assertThat(Keys.slotOf(k)).as(k).isEqualTo(SlotHash.getSlot(k));
      }
    }
    for (String key : new String[] {"", "a", "{}", "{x}y", "x{y}z", "2026-02-07-strategic-courtesy-yerevan-moscow"}) {
      assertThat(Keys.slotOf(key)).as(key).isEqualTo(SlotHash.getSlot(key));
    }
  }
}
