package news.engagement.visitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The precomputed HMAC gives exactly the JDK's HMAC-SHA256, so visitor hashes did not change with it. */
class HmacSha256Test {
  @Test
  void equalsTheJdksMacForKeysAndMessagesOfEveryLengthAroundTheBlock() throws Exception {
    Random random = new Random(20261202);
    for (int keyLength : new int[] {1, 16, 32, 63, 64, 65, 100}) {
      byte[] key = new byte[keyLength];
      random.nextBytes(key);
      Mac jdk = Mac.getInstance("HmacSHA256");
      jdk.init(new SecretKeySpec(key, "HmacSHA256"));
      HmacSha256 ours = new HmacSha256(key);
      for (int length = 0; length <= 200; length++) {
        byte[] message = new byte[length];
        random.nextBytes(message);
        // Twice in a row: the reused output buffer and the cloned start states leave nothing behind.
        assertThat(ours.mac(message)).as("key %d, message %d", keyLength, length).isEqualTo(jdk.doFinal(message));
        assertThat(Arrays.copyOf(ours.mac(message), HmacSha256.LENGTH)).isEqualTo(jdk.doFinal(message));
      }
    }
  }

  @Test
  void rfc4231TestCase2() {
    // RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
    byte[] mac = new HmacSha256("Jefe".getBytes()).mac("what do ya want for nothing?".getBytes());
    assertThat(java.util.HexFormat.of().formatHex(mac))
        .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }
}
