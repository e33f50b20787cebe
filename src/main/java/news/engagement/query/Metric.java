package news.engagement.query;

import java.util.Arrays;
import java.util.Optional;

/** What a top list ranks by; the codes are the API's and the top-set keys' ({@code eng:t:<code>:...}). */
public enum Metric {
  VIEWS("views"),
  LIKES("likes"),
  SHARES("shares"),
  UNIQUES("uniques");

  private final String code;

  Metric(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  public static Optional<Metric> parse(String code) {
    return Arrays.stream(values()).filter(m -> m.code.equals(code)).findFirst();
  }

  static String codes() {
    return String.join(", ", Arrays.stream(values()).map(Metric::code).toList());
  }
}
