package news.engagement.ingest;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import news.engagement.config.Config;
import news.engagement.visitor.VisitorIds;

/** Checks one event object against the SPEC's rules; unknown fields are ignored. */
public final class EventValidator {
  /** 1 to 128 characters of [A-Za-z0-9._:/-], starting with a letter or digit. */
  public static final Pattern ARTICLE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}");
  private static final int MAX_TEXT = 2048;
  /** A ping reports at most this many seconds of attention (the page pings every 15 s; slack for timers). */
  public static final int MAX_ENGAGED_SECONDS = 60;

  /** The outcome for one event: either {@code event} or {@code rejection} is set. */
  public record Result(Event event, Rejection rejection) {
  }

  /**
   * What a conversion and an outbound click are checked against: the site's goals ({@code CONVERSION_GOALS})
   * and its own origins ({@code SITE_ORIGINS}: a link to them does not leave the site).
   */
  public record Rules(Set<String> goals, Set<String> siteOrigins) {
    public static final Rules DEFAULT = new Rules(Set.copyOf(Config.DEFAULT_CONVERSION_GOALS), Set.of());

    public Rules {
      goals = Set.copyOf(goals);
      siteOrigins = Set.copyOf(siteOrigins);
    }

    public static Rules of(List<String> goals, List<String> siteOrigins) {
      return new Rules(Set.copyOf(goals), Set.copyOf(siteOrigins));
    }
  }

  private EventValidator() {
  }

  /** {@link #ARTICLE} without a regex engine: this runs for every event and every read. */
  public static boolean validArticle(String id) {
    if (id == null || id.isEmpty() || id.length() > 128 || !letterOrDigit(id.charAt(0))) {
      return false;
    }
    for (int i = 1; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!(letterOrDigit(c) || c == '.' || c == '_' || c == ':' || c == '/' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  private static boolean letterOrDigit(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  /** Against the default goals and no site origins. */
  public static Result validate(int index, Object item) {
    return validate(index, item, Rules.DEFAULT);
  }

  public static Result validate(int index, Object item, Rules rules) {
    if (!(item instanceof JsonObject json)) {
      return reject(index, "invalid_event", "an event must be a JSON object");
    }
    Object rawType = json.getValue("type");
    EventType type = rawType instanceof String s ? EventType.parse(s) : null;
    if (type == null) {
      return reject(index, "invalid_type", "type must be one of view, like, unlike, share, ping, conversion, outbound");
    }
    Object article = json.getValue("article");
    if (!(article instanceof String id) || !validArticle(id)) {
      return reject(index, "invalid_article",
          "article must be 1 to 128 characters of A-Z a-z 0-9 . _ : / -, starting with a letter or digit");
    }
    Object vid = json.getValue("vid");
    if (vid != null && !(vid instanceof String v && VisitorIds.validVid(v))) {
      return reject(index, "invalid_vid", "vid must be 8 to 64 characters of A-Z a-z 0-9 _ -");
    }
    for (String field : new String[] {"url", "referrer"}) {
      Object value = json.getValue(field);
      if (value != null && !(value instanceof String s && s.length() <= MAX_TEXT)) {
        return reject(index, "invalid_" + field, field + " must be a string of at most " + MAX_TEXT + " characters");
      }
    }
    Network network = null;
    if (type == EventType.SHARE) {
      Object rawNetwork = json.getValue("network");
      network = rawNetwork instanceof String s ? Network.parse(s) : null;
      if (network == null) {
        return reject(index, "invalid_network", "a share needs network, one of " + String.join(", ", Network.WIRE_NAMES));
      }
    }
    if (type == EventType.PING) {
      return ping(index, json, (String) article, (String) vid);
    }
    if (type == EventType.CONVERSION || type == EventType.OUTBOUND) {
      return Clicks.validate(index, json, type, (String) article, (String) vid, rules);
    }
    if (type == EventType.VIEW) {
      return new Result(Event.view((String) article, (String) vid, emptyAsNull(json.getValue("url")),
          emptyAsNull(json.getValue("referrer"))), null);
    }
    return new Result(new Event(type, (String) article, (String) vid, network), null);
  }

  /** A ping's {@code engaged} (0..60 whole seconds) and {@code depth} (0..100 %); both may be left out (0). */
  private static Result ping(int index, JsonObject json, String article, String vid) {
    Integer engaged = wholeNumber(json.getValue("engaged"), MAX_ENGAGED_SECONDS);
    if (engaged == null) {
      return reject(index, "invalid_engaged", "engaged must be a whole number of seconds from 0 to "
          + MAX_ENGAGED_SECONDS);
    }
    Integer depth = wholeNumber(json.getValue("depth"), 100);
    if (depth == null) {
      return reject(index, "invalid_depth", "depth must be a whole percentage from 0 to 100");
    }
    return new Result(new Event(EventType.PING, article, vid, null, engaged, depth), null);
  }

  /** 0..max for a JSON integer (or a number with no fraction, as JavaScript sends 15.0 as 15), 0 when absent, else null. */
  private static Integer wholeNumber(Object value, int max) {
    if (value == null) {
      return 0;
    }
    if (!(value instanceof Number n)) {
      return null;
    }
    double d = n.doubleValue();
    if (Double.isNaN(d) || d != Math.rint(d) || d < 0 || d > max) {
      return null;
    }
    return (int) d;
  }

  private static String emptyAsNull(Object checkedText) {
    return checkedText instanceof String s && !s.isEmpty() ? s : null;
  }

  static Result reject(int index, String error, String message) {
    return new Result(null, new Rejection(index, error, message));
  }
}
