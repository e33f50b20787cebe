package news.engagement.sources;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A view's traffic source from its page {@code url} and {@code referrer} (both untrusted, at most 2 KiB):
 * {@code utm_source} on the page → campaign; no referrer → direct; a referrer on one of the site's origins
 * (or the page's own) → internal; a listed search engine, network, messenger, aggregator or app → its
 * name; any other web host → its registrable domain (medium other); anything else (file:, javascript:,
 * data:, binary, a host that is no domain name) → other/other. Never throws.
 *
 * <p>Runs per view on the ingest path: parsing is by hand, and the host lookups (suffix list, curated
 * list) are cached per referrer host in a small LRU shared by the event loops.
 */
public final class SourceClassifier {
  static final int CACHE_SIZE = 4096;
  /** Longer texts are junk whatever they say (the event validator already caps them at 2 KiB). */
  private static final int MAX_TEXT = 4096;

  private final KnownSources known;
  private final Set<String> siteOrigins;
  private final Map<String, Source> cache = new LinkedHashMap<>(CACHE_SIZE * 2, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Source> eldest) {
      return size() > CACHE_SIZE;
    }
  };

  SourceClassifier(KnownSources known, Set<String> siteOrigins) {
    this.known = Objects.requireNonNull(known, "known");
    this.siteOrigins = Set.copyOf(siteOrigins);
  }

  /** The curated list of the jar, and {@code SITE_ORIGINS} (as config/Site writes origins) for internal. */
  public static SourceClassifier standard(Iterable<String> siteOrigins) {
    java.util.HashSet<String> origins = new java.util.HashSet<>();
    siteOrigins.forEach(origins::add);
    return new SourceClassifier(KnownSources.standard(), origins);
  }

  public Source classify(String url, String referrer) {
    try {
      return classifyUnsafe(url, referrer);
    } catch (RuntimeException e) {
      return Source.UNKNOWN; // a bug in the parsing must never cost a view
    }
  }

  private Source classifyUnsafe(String url, String referrer) {
    WebAddress page = url == null || url.length() > MAX_TEXT ? null : WebAddress.parse(url);
    if (page != null && page.origin() != null) {
      String utm = page.parameter("utm_source");
      String name = utm == null ? null : Source.sanitize(utm);
      if (name != null) {
        return new Source(Medium.CAMPAIGN, name);
      }
    }
    if (referrer == null || referrer.isBlank()) {
      return Source.DIRECT;
    }
    WebAddress from = referrer.length() > MAX_TEXT ? null : WebAddress.parse(referrer.strip());
    if (from == null) {
      return Source.UNKNOWN;
    }
    if (from.origin() == null) {
      return cached("app:" + from.host(), () -> known.app(from.host()));
    }
    if (siteOrigins.contains(from.origin()) || (page != null && from.origin().equals(page.origin()))) {
      String name = Source.sanitize(from.host());
      return name == null ? new Source(Medium.INTERNAL, "internal") : new Source(Medium.INTERNAL, name);
    }
    return cached(from.host(), () -> known.host(from.host()));
  }

  private Source cached(String key, java.util.function.Supplier<Source> compute) {
    synchronized (cache) {
      Source hit = cache.get(key);
      if (hit != null) {
        return hit;
      }
    }
    Source source = compute.get();
    synchronized (cache) {
      cache.put(key, source);
    }
    return source;
  }

  int cached() {
    synchronized (cache) {
      return cache.size();
    }
  }
}
