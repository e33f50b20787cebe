package news.engagement.ingest;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import news.engagement.config.Site;

/** The checks of a conversion's goal and an outbound click's link (SPEC "Conversions and outbound clicks"). */
final class Clicks {
  private static final int MAX_HREF = 2048;
  private static final int MAX_HOST = 253;

  private Clicks() {
  }

  static EventValidator.Result validate(int index, JsonObject json, EventType type, String article, String vid,
      EventValidator.Rules rules) {
    if (type == EventType.CONVERSION) {
      Object goal = json.getValue("goal");
      if (!(goal instanceof String g) || !rules.goals().contains(g)) {
        return EventValidator.reject(index, "invalid_goal", "a conversion needs goal, one of "
            + String.join(", ", rules.goals().stream().sorted().toList()));
      }
      return new EventValidator.Result(Event.conversion(article, vid, g), null);
    }
    Object href = json.getValue("href");
    if (!(href instanceof String h) || h.length() > MAX_HREF) {
      return EventValidator.reject(index, "invalid_href", "an outbound click needs href, an http or https link of at most "
          + MAX_HREF + " characters");
    }
    String destination = destination(h);
    if (destination == null) {
      return EventValidator.reject(index, "invalid_href", "href must be an http or https link with a host");
    }
    if (rules.siteOrigins().contains(Site.originOf(h))) {
      return EventValidator.reject(index, "internal_href", "href links into the site itself: not an outbound click");
    }
    return new EventValidator.Result(Event.outbound(article, vid, destination), null);
  }

  /**
   * The host of an http(s) link as written (names, localhost, IP literals), lower-cased, without port and
   * leading {@code www.}; null for any other link.
   */
  static String destination(String href) {
    try {
      URI uri = new URI(href);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      String host = uri.getHost();
      if (host == null || !(scheme.equals("http") || scheme.equals("https"))) {
        return null;
      }
      host = host.toLowerCase(Locale.ROOT);
      if (host.endsWith(".")) {
        host = host.substring(0, host.length() - 1);
      }
      if (host.startsWith("www.") && host.length() > 4) {
        host = host.substring(4);
      }
      return host.isEmpty() || host.length() > MAX_HOST ? null : host;
    } catch (URISyntaxException e) {
      return null;
    }
  }
}
