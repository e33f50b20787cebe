package news.engagement.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import news.engagement.counting.Keys;
import news.engagement.counting.Retention;

/**
 * Everything the service reads from its environment, parsed once at start-up.
 * A bad value throws {@link ConfigException} naming the variable.
 */
public record Config(
    int httpPort,
    Optional<String> redisUrl,
    Optional<String> clickhouseUrl,
    String clickhouseDatabase,
    String clickhouseUser,
    String clickhousePassword,
    Optional<String> editorToken,
    List<String> corsOrigins,
    List<Cidr> trustedProxies,
    Duration viewDedupWindow,
    Duration batchInterval,
    Duration flushInterval,
    int maxPendingEvents,
    int maxBatchEvents,
    int rateLimitPerMinute,
    int redisShards,
    Retention retention,
    Duration topListsMaxAge,
    Duration topListsRefresh,
    Duration readCacheTtl,
    Duration readCacheMaxStale,
    Duration readCacheMaxWait,
    int redisWaitReplicas,
    int maxViewsPerAddress,
    Secret visitorSecret,
    Duration shutdownGrace,
    Duration shutdownTimeout,
    Presence presence,
    Optional<String> clickhouseCluster,
    Site site,
    List<String> conversionGoals) {

  /** The goals a page may report ({@code CONVERSION_GOALS}) when the variable is unset. */
  public static final List<String> DEFAULT_CONVERSION_GOALS =
      List.of("telegram_follow", "newsletter", "app_ios", "app_android", "subscribe");
  private static final java.util.regex.Pattern GOAL = java.util.regex.Pattern.compile("[a-z0-9_.-]{1,32}");

  /**
   * Reading now and engaged time: how often each instance writes its coalesced pings to Redis
   * ({@code PRESENCE_INTERVAL}), how many readers per article (and per shard, site-wide) are counted
   * exactly before sampling starts ({@code PRESENCE_EXACT_MAX}), how many pings may wait in memory
   * ({@code PRESENCE_MAX_PENDING}) and how often engaged time goes to ClickHouse ({@code PRESENCE_FLUSH_INTERVAL}).
   */
  public record Presence(Duration interval, int exactMax, int maxPending, Duration flushInterval) {
  }

  public static final String DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
  public static final String DEFAULT_CLICKHOUSE_URL = "http://127.0.0.1:8123";
  /** The size of an HMAC-SHA256 key: less would be the weak link of every visitor hash. */
  public static final int MIN_SECRET_BYTES = 32;

  /** Reads the variables through {@code env}, e.g. {@code System::getenv}, or a map's {@code get} in tests. */
  public static Config from(Function<String, String> env) {
    Vars vars = new Vars(env);
    Config config = new Config(
        vars.port("HTTP_PORT", 8080),
        vars.optional("REDIS_URL"),
        vars.optional("CLICKHOUSE_URL"),
        vars.identifier("CLICKHOUSE_DATABASE", "engagement"),
        vars.string("CLICKHOUSE_USER", "default"),
        vars.string("CLICKHOUSE_PASSWORD", ""),
        vars.optional("EDITOR_TOKEN"),
        vars.list("CORS_ORIGINS"),
        vars.list("TRUSTED_PROXIES").stream().map(c -> vars.cidr("TRUSTED_PROXIES", c)).toList(),
        vars.duration("VIEW_DEDUP_WINDOW", Duration.ofMinutes(30)),
        vars.duration("BATCH_INTERVAL", Duration.ofMillis(50)),
        vars.duration("FLUSH_INTERVAL", Duration.ofSeconds(1)),
        vars.positiveInt("MAX_PENDING_EVENTS", 200_000),
        vars.positiveInt("MAX_BATCH_EVENTS", 4_000),
        vars.nonNegativeInt("RATE_LIMIT_PER_MINUTE", 3000),
        vars.intBetween("REDIS_SHARDS", Keys.DEFAULT_SHARDS, 1, 1024),
        new Retention(vars.duration("ARTICLE_TTL", Retention.DEFAULT.articleTtl()),
            vars.duration("PROBATION_TTL", Retention.DEFAULT.probationTtl()),
            vars.positiveInt("PROBATION_VIEWS", Retention.DEFAULT.vouchViews())),
        vars.duration("TOP_LISTS_MAX_AGE", Duration.ofSeconds(3)),
        vars.duration("TOP_LISTS_REFRESH", Duration.ofSeconds(2)),
        vars.durationOrZero("READ_CACHE_TTL", Duration.ofSeconds(1)),
        vars.durationOrZero("READ_CACHE_MAX_STALE", Duration.ofSeconds(4)),
        vars.durationOrZero("READ_CACHE_MAX_WAIT", Duration.ofMillis(5)),
        vars.intBetween("REDIS_WAIT_REPLICAS", 1, 0, 1),
        vars.nonNegativeInt("MAX_VIEWS_PER_ADDRESS", 500),
        vars.secret("VISITOR_SECRET", MIN_SECRET_BYTES),
        vars.durationOrZero("SHUTDOWN_GRACE", Duration.ofSeconds(5)),
        vars.duration("SHUTDOWN_TIMEOUT", Duration.ofSeconds(30)),
        new Presence(vars.duration("PRESENCE_INTERVAL", Duration.ofSeconds(1)),
            vars.intBetween("PRESENCE_EXACT_MAX", 2_000, 10, 1_000_000),
            vars.positiveInt("PRESENCE_MAX_PENDING", 100_000),
            vars.duration("PRESENCE_FLUSH_INTERVAL", Duration.ofSeconds(5))),
        vars.optionalIdentifier("CLICKHOUSE_CLUSTER"),
        Site.from(vars),
        goals(vars));
    if (config.shutdownTimeout().compareTo(config.shutdownGrace()) <= 0) {
      throw new ConfigException("SHUTDOWN_TIMEOUT", config.shutdownTimeout().toString(),
          "longer than SHUTDOWN_GRACE (" + config.shutdownGrace() + "): the drain comes after the grace period");
    }
    return config;
  }

  /** {@code CONVERSION_GOALS}: comma-separated names of 1..32 characters of [a-z0-9_.-]; at most 32 goals. */
  private static List<String> goals(Vars vars) {
    List<String> goals = vars.optional("CONVERSION_GOALS").isPresent() ? vars.list("CONVERSION_GOALS")
        : DEFAULT_CONVERSION_GOALS;
    for (String goal : goals) {
      if (!GOAL.matcher(goal).matches()) {
        throw new ConfigException("CONVERSION_GOALS", goal,
            "comma-separated goal names of 1 to 32 characters of a-z 0-9 _ . -");
      }
    }
    if (goals.isEmpty() || goals.size() > 32) {
      throw new ConfigException("CONVERSION_GOALS", String.join(",", goals), "1 to 32 goal names");
    }
    return goals.stream().distinct().toList();
  }

  /** The Redis URL to use: the configured one, else the local default. */
  public String redisUrlOrDefault() {
    return redisUrl.orElse(DEFAULT_REDIS_URL);
  }

  public String clickhouseUrlOrDefault() {
    return clickhouseUrl.orElse(DEFAULT_CLICKHOUSE_URL);
  }

  public Config withHttpPort(int port) {
    return new Config(port, redisUrl, clickhouseUrl, clickhouseDatabase, clickhouseUser, clickhousePassword,
        editorToken, corsOrigins, trustedProxies, viewDedupWindow, batchInterval, flushInterval,
        maxPendingEvents, maxBatchEvents, rateLimitPerMinute, redisShards, retention, topListsMaxAge, topListsRefresh, readCacheTtl,
        readCacheMaxStale, readCacheMaxWait, redisWaitReplicas, maxViewsPerAddress, visitorSecret, shutdownGrace, shutdownTimeout,
        presence, clickhouseCluster, site, conversionGoals);
  }
}
