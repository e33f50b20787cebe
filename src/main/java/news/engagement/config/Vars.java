package news.engagement.config;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Typed reads of environment variables; blank counts as unset. */
final class Vars {
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

  private final Function<String, String> env;

  Vars(Function<String, String> env) {
    this.env = env;
  }

  Optional<String> optional(String name) {
    String value = env.apply(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  String string(String name, String fallback) {
    return optional(name).orElse(fallback);
  }

  String identifier(String name, String fallback) {
    String value = string(name, fallback);
    if (!IDENTIFIER.matcher(value).matches()) {
      throw new ConfigException(name, value, "letters, digits and underscores, starting with a letter");
    }
    return value;
  }

  /** Unset stays empty; set, it must be a plain identifier (it goes into SQL text). */
  Optional<String> optionalIdentifier(String name) {
    Optional<String> value = optional(name);
    if (value.isPresent() && !IDENTIFIER.matcher(value.get()).matches()) {
      throw new ConfigException(name, value.get(), "letters, digits and underscores, starting with a letter");
    }
    return value;
  }

  int port(String name, int fallback) {
    int port = nonNegativeInt(name, fallback);
    if (port > 65535) {
      throw new ConfigException(name, String.valueOf(port), "a port from 0 to 65535");
    }
    return port;
  }

  int positiveInt(String name, int fallback) {
    int value = nonNegativeInt(name, fallback);
    if (value == 0) {
      throw new ConfigException(name, "0", "a whole number above 0");
    }
    return value;
  }

  int intBetween(String name, int fallback, int min, int max) {
    int value = nonNegativeInt(name, fallback);
    if (value < min || value > max) {
      throw new ConfigException(name, String.valueOf(value), "a whole number from " + min + " to " + max);
    }
    return value;
  }

  int nonNegativeInt(String name, int fallback) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(raw.get());
      if (value < 0) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new ConfigException(name, raw.get(), "a whole number, 0 or more");
    }
  }

  Duration duration(String name, Duration fallback) {
    return duration(name, fallback, false);
  }

  /** Like {@link #duration(String, Duration)}, but {@code 0s} (none) is allowed too. */
  Duration durationOrZero(String name, Duration fallback) {
    return duration(name, fallback, true);
  }

  private Duration duration(String name, Duration fallback, boolean zeroAllowed) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return fallback;
    }
    Matcher m = DURATION.matcher(raw.get());
    if (!m.matches() || (!zeroAllowed && Long.parseLong(m.group(1)) == 0)) {
      throw new ConfigException(name, raw.get(), "a duration " + (zeroAllowed ? "" : "above zero ")
          + "such as 50ms, 1s, 30m, 2h or 1d");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  /** A required secret of at least {@code minBytes} bytes (UTF-8), e.g. {@code openssl rand -hex 32}. */
  Secret secret(String name, int minBytes) {
    String value = env.apply(name);
    if (value == null || value.isBlank()) {
      throw new ConfigException(name, "is required: set it to at least " + minBytes
          + " random bytes, e.g. $(openssl rand -hex 32), the same on every instance");
    }
    byte[] bytes = value.strip().getBytes(StandardCharsets.UTF_8);
    if (bytes.length < minBytes) {
      throw new ConfigException(name, "is too short (" + bytes.length + " bytes): it needs at least " + minBytes);
    }
    return new Secret(bytes);
  }

  List<String> list(String name) {
    return optional(name)
        .map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
        .orElse(List.of());
  }

  Cidr cidr(String name, String text) {
    try {
      return Cidr.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(name, text, "comma-separated addresses or CIDRs such as 10.0.0.0/8");
    }
  }
}
