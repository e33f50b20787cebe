package news.engagement.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The site the service counts for: its own origins ({@code SITE_ORIGINS}, e.g. {@code https://news.example};
 * pages on them are crawled for metadata and referrers from them are {@code internal}) and how old crawled
 * metadata may get before a view fetches it again ({@code METADATA_REFRESH}).
 */
public record Site(List<String> origins, Duration metadataRefresh) {
  public static final Duration DEFAULT_METADATA_REFRESH = Duration.ofHours(6);

  public Site {
    origins = List.copyOf(origins);
  }

  /** True when {@code url} (untrusted text) is an http(s) address on one of the site's origins. */
  public boolean owns(String url) {
    String origin = originOf(url);
    return origin != null && origins.contains(origin);
  }

  /** {@code scheme://host[:port]} of an http(s) URL, lower-cased, default ports left out; null when it is not one. */
  public static String originOf(String url) {
    if (url == null) {
      return null;
    }
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
      String host = uri.getHost();
      if (host == null || !("http".equals(scheme) || "https".equals(scheme))) {
        return null;
      }
      int port = uri.getPort();
      boolean defaultPort = port == -1 || ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
      return scheme + "://" + host.toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }

  static Site from(Vars vars) {
    List<String> origins = vars.list("SITE_ORIGINS").stream().map(text -> {
      String origin = isBareOrigin(text) ? originOf(text) : null;
      if (origin == null) {
        throw new ConfigException("SITE_ORIGINS", text,
            "comma-separated origins such as https://news.example (http or https, host, optional port; no path)");
      }
      return origin;
    }).distinct().toList();
    return new Site(origins, vars.duration("METADATA_REFRESH", DEFAULT_METADATA_REFRESH));
  }

  private static boolean isBareOrigin(String text) {
    try {
      URI uri = new URI(text);
      return uri.getRawUserInfo() == null && uri.getRawQuery() == null && uri.getRawFragment() == null
          && (uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"));
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }
}
