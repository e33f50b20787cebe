package news.engagement.ingest;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Where a share went. */
public enum Network {
  TELEGRAM, TWITTER, FACEBOOK, WHATSAPP, VK, LINKEDIN, EMAIL, COPY, PRINT, OTHER;

  public static final List<String> WIRE_NAMES = Arrays.stream(values()).map(Network::wireName).toList();

  static Network parse(String name) {
    for (Network n : values()) {
      if (n.wireName().equals(name)) {
        return n;
      }
    }
    return null;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
