package news.engagement.sources;

import com.google.common.net.InternetDomainName;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The curated list of search engines, social networks, messengers, news aggregators and mail services
 * ({@code sources.txt} next to this class, format in its header), matched against a referrer's host or an
 * in-app browser's package; any other host is named by its registrable domain from the Public Suffix List
 * (Guava's {@link InternetDomainName}). Immutable and thread-safe.
 */
final class KnownSources {
  static final String RESOURCE = "/news/engagement/sources/sources.txt";

  /** Host or parent host → source ({@code t.co}, {@code facebook.com}). */
  private final Map<String, Source> hosts = new HashMap<>();
  /** Name under any public suffix → source ({@code google} of {@code google.*}). */
  private final Map<String, Source> names = new HashMap<>();
  /** Android package → source. */
  private final Map<String, Source> apps = new HashMap<>();

  private KnownSources() {
  }

  static KnownSources standard() {
    try (InputStream in = KnownSources.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCE);
      }
      return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static KnownSources parse(BufferedReader lines) throws IOException {
    KnownSources known = new KnownSources();
    String line;
    int number = 0;
    while ((line = lines.readLine()) != null) {
      number++;
      String text = line.strip();
      if (text.isEmpty() || text.startsWith("#")) {
        continue;
      }
      String[] words = text.split("\\s+");
      Medium medium = words.length < 3 ? null : Medium.of(words[0]);
      if (medium == null || medium == Medium.INTERNAL || medium == Medium.DIRECT || medium == Medium.CAMPAIGN
          || !Source.validName(words[1])) {
        throw new IllegalStateException(RESOURCE + ":" + number + ": expected <medium> <source> <pattern>...: " + text);
      }
      Source source = new Source(medium, words[1]);
      for (int i = 2; i < words.length; i++) {
        String pattern = words[i];
        Map<String, Source> into = pattern.startsWith("app:") ? known.apps
            : pattern.endsWith(".*") ? known.names : known.hosts;
        String key = pattern.startsWith("app:") ? pattern.substring(4)
            : pattern.endsWith(".*") ? pattern.substring(0, pattern.length() - 2) : pattern;
        if (into.put(key, source) != null) {
          throw new IllegalStateException(RESOURCE + ":" + number + ": pattern listed twice: " + pattern);
        }
      }
    }
    return known;
  }

  /** The source of an Android app's in-app browser, by package. */
  Source app(String pkg) {
    Source known = apps.get(pkg);
    if (known != null) {
      return known;
    }
    String name = Source.sanitize(pkg);
    return name == null ? Source.UNKNOWN : new Source(Medium.OTHER, name);
  }

  /** The source of a referrer host (lower-case ASCII): the longest listed pattern, else its registrable domain. */
  Source host(String host) {
    InternetDomainName domain = domain(host);
    String stem = null;
    if (domain != null && domain.hasPublicSuffix() && !domain.isPublicSuffix()) {
      stem = host.substring(0, host.length() - domain.publicSuffix().toString().length() - 1);
    }
    Source byHost = null;
    int hostLabels = 0;
    for (String h = host; h != null; h = parent(h)) {
      byHost = hosts.get(h);
      if (byHost != null) {
        hostLabels = labels(h);
        break;
      }
    }
    for (String s = stem; s != null; s = parent(s)) {
      Source byName = names.get(s);
      if (byName != null) {
        // "news.google.*" counts as three labels against "news.google.com"'s three: the listed host wins a tie.
        if (byHost == null || labels(s) + 1 > hostLabels) {
          return byName;
        }
        break;
      }
    }
    if (byHost != null) {
      return byHost;
    }
    String registrable = domain != null && domain.isUnderPublicSuffix() ? domain.topPrivateDomain().toString() : host;
    return Source.validName(registrable) ? new Source(Medium.OTHER, registrable) : Source.UNKNOWN;
  }

  private static InternetDomainName domain(String host) {
    try {
      return InternetDomainName.from(host);
    } catch (IllegalArgumentException e) {
      return null; // not a domain name (numeric last label, overlong label, ...)
    }
  }

  private static String parent(String host) {
    int dot = host.indexOf('.');
    return dot < 0 ? null : host.substring(dot + 1);
  }

  private static int labels(String host) {
    int n = 1;
    for (int i = 0; i < host.length(); i++) {
      if (host.charAt(i) == '.') {
        n++;
      }
    }
    return n;
  }
}
