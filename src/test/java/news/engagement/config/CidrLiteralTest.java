package news.engagement.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** IP literals are read without regexes on the common path, and never looked up as host names. */
class CidrLiteralTest {
  @Test
  void dottedQuadsReadAsInetAddressReadsThem() throws Exception {
    Random random = new Random(11);
    for (int i = 0; i < 20_000; i++) {
      String text = random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256);
      byte[] expected = InetAddress.getByName(text).getAddress(); // a valid literal: no lookup
      assertThat(Cidr.literal(text)).isEqualTo(expected);
    }
    assertThat(Cidr.literal("10.1.2.3")).containsExactly(10, 1, 2, 3);
    assertThat(Cidr.literal("::1")).hasSize(16);
    assertThat(Cidr.literal("2001:db8::7")).hasSize(16);
  }

  @Test
  void junkIsRefusedWithoutAnyNameLookup() {
    // Each of these would make InetAddress.getByName query DNS (seconds on a box without it).
    for (String junk : new String[] {"999.1.1.1", "256.1.1.1", "1.2.3.400", "010.1.2.3", "1.2.3", "1.2.3.4.5", "1..2.3",
        "1.2.3.4.", ".1.2.3", "a.b.c.d", "1.2.3.4 ", "localhost", "example.com", "1:2:3:zz", ":::::", ""}) {
      assertThat(Cidr.literal(junk)).as(junk).isNull();
      assertThat(Cidr.plainIpv4(junk)).as(junk).isNull();
    }
    Random random = new Random(3);
    String chars = "0123456789.a";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder text = new StringBuilder();
      for (int k = 5 + random.nextInt(12); k > 0; k--) {
        text.append(chars.charAt(random.nextInt(chars.length())));
      }
      byte[] read = Cidr.literal(text.toString());
      assertThat(read == null || read.length == 4).isTrue();
    }
  }
}
