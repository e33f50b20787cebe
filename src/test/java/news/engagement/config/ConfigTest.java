package news.engagement.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTest {

  private static final String SECRET = "0123456789abcdef0123456789abcdef";

  /** {@code env} plus a valid VISITOR_SECRET, the one variable without a default. */
  private static Config of(Map<String, String> env) {
    return Config.from(name -> name.equals("VISITOR_SECRET") ? env.getOrDefault(name, SECRET) : env.get(name));
  }

  @Test
  void defaultsRunOnOneLaptop() {
    Config c = of(Map.of());
    assertThat(c.httpPort()).isEqualTo(8080);
    assertThat(c.redisUrlOrDefault()).isEqualTo("redis://127.0.0.1:6379");
    assertThat(c.clickhouseUrlOrDefault()).isEqualTo("http://127.0.0.1:8123");
    assertThat(c.clickhouseDatabase()).isEqualTo("engagement");
    assertThat(c.clickhouseCluster()).as("one ClickHouse server").isEmpty();
    assertThat(c.viewDedupWindow()).isEqualTo(Duration.ofMinutes(30));
    assertThat(c.batchInterval()).isEqualTo(Duration.ofMillis(50));
    assertThat(c.flushInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.readCacheTtl()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.readCacheMaxStale()).isEqualTo(Duration.ofSeconds(4));
    assertThat(c.readCacheMaxWait()).isEqualTo(Duration.ofMillis(5));
    assertThat(c.editorToken()).isEmpty();
    assertThat(c.corsOrigins()).isEmpty();
    assertThat(c.trustedProxies()).isEmpty();
    assertThat(c.rateLimitPerMinute()).isEqualTo(3000);
    assertThat(c.maxPendingEvents()).isEqualTo(200_000);
  }

  @Test
  void readsEveryUnitOfDuration() {
    assertThat(of(Map.of("BATCH_INTERVAL", "50ms")).batchInterval()).isEqualTo(Duration.ofMillis(50));
    assertThat(of(Map.of("FLUSH_INTERVAL", "2s")).flushInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(of(Map.of("READ_CACHE_TTL", "250ms")).readCacheTtl()).isEqualTo(Duration.ofMillis(250));
    assertThat(of(Map.of("READ_CACHE_TTL", "0s")).readCacheTtl()).isZero();
    assertThat(of(Map.of("VIEW_DEDUP_WINDOW", "30m")).viewDedupWindow()).isEqualTo(Duration.ofMinutes(30));
    assertThat(of(Map.of("VIEW_DEDUP_WINDOW", "2h")).viewDedupWindow()).isEqualTo(Duration.ofHours(2));
    assertThat(of(Map.of("VIEW_DEDUP_WINDOW", "1d")).viewDedupWindow()).isEqualTo(Duration.ofDays(1));
  }

  @Test
  void readsListsAndNetworks() {
    Config c = of(Map.of("CORS_ORIGINS", "https://news.example, https://m.news.example ,",
        "TRUSTED_PROXIES", "10.0.0.0/8,127.0.0.1, ::1"));
    assertThat(c.corsOrigins()).containsExactly("https://news.example", "https://m.news.example");
    assertThat(c.trustedProxies()).hasSize(3);
    assertThat(c.trustedProxies().get(0).contains(Cidr.literal("10.200.3.4"))).isTrue();
    assertThat(c.trustedProxies().get(0).contains(Cidr.literal("11.0.0.1"))).isFalse();
  }

  @Test
  void badValuesStopStartUpNamingTheVariable() {
    assertThatThrownBy(() -> of(Map.of("HTTP_PORT", "eighty"))).hasMessageContaining("HTTP_PORT");
    assertThatThrownBy(() -> of(Map.of("HTTP_PORT", "70000"))).hasMessageContaining("HTTP_PORT");
    assertThatThrownBy(() -> of(Map.of("BATCH_INTERVAL", "50"))).hasMessageContaining("BATCH_INTERVAL");
    assertThatThrownBy(() -> of(Map.of("FLUSH_INTERVAL", "1 s"))).hasMessageContaining("FLUSH_INTERVAL");
    assertThatThrownBy(() -> of(Map.of("VIEW_DEDUP_WINDOW", "0m"))).hasMessageContaining("VIEW_DEDUP_WINDOW");
    assertThatThrownBy(() -> of(Map.of("READ_CACHE_TTL", "1 s"))).hasMessageContaining("READ_CACHE_TTL");
    assertThatThrownBy(() -> of(Map.of("MAX_PENDING_EVENTS", "-1"))).hasMessageContaining("MAX_PENDING_EVENTS");
    assertThatThrownBy(() -> of(Map.of("RATE_LIMIT_PER_MINUTE", "lots"))).hasMessageContaining("RATE_LIMIT_PER_MINUTE");
    assertThatThrownBy(() -> of(Map.of("TRUSTED_PROXIES", "10.0.0.0/33"))).hasMessageContaining("TRUSTED_PROXIES");
    assertThatThrownBy(() -> of(Map.of("TRUSTED_PROXIES", "proxy.internal"))).hasMessageContaining("TRUSTED_PROXIES");
    assertThatThrownBy(() -> of(Map.of("CLICKHOUSE_DATABASE", "x; DROP TABLE y"))).hasMessageContaining("CLICKHOUSE_DATABASE");
    assertThatThrownBy(() -> of(Map.of("CLICKHOUSE_CLUSTER", "news' ON CLUSTER x"))).hasMessageContaining("CLICKHOUSE_CLUSTER");
    assertThat(of(Map.of("CLICKHOUSE_CLUSTER", "news_eu")).clickhouseCluster()).contains("news_eu");
  }

  @Test
  void shutdownTimesDefaultToAGraceOf5sWithin30s() {
    Config c = of(Map.of());
    assertThat(c.shutdownGrace()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
    Config quick = of(Map.of("SHUTDOWN_GRACE", "0s", "SHUTDOWN_TIMEOUT", "200ms"));
    assertThat(quick.shutdownGrace()).isZero();
    assertThat(quick.shutdownTimeout()).isEqualTo(Duration.ofMillis(200));
  }

  @Test
  void badShutdownTimesStopStartUpNamingTheVariable() {
    assertThatThrownBy(() -> of(Map.of("SHUTDOWN_GRACE", "soon"))).hasMessageContaining("SHUTDOWN_GRACE");
    assertThatThrownBy(() -> of(Map.of("SHUTDOWN_TIMEOUT", "0s"))).hasMessageContaining("SHUTDOWN_TIMEOUT");
    assertThatThrownBy(() -> of(Map.of("SHUTDOWN_GRACE", "10s", "SHUTDOWN_TIMEOUT", "10s")))
        .hasMessageContaining("SHUTDOWN_TIMEOUT").hasMessageContaining("SHUTDOWN_GRACE");
  }

  @Test
  void visitorSecretIsRequiredAndLongEnoughButNeverEchoed() {
    assertThat(of(Map.of()).visitorSecret().bytes()).hasSize(32);
    assertThatThrownBy(() -> Config.from(Map.<String, String>of()::get)).hasMessageContaining("VISITOR_SECRET")
        .hasMessageContaining("required");
    assertThatThrownBy(() -> of(Map.of("VISITOR_SECRET", "  "))).hasMessageContaining("VISITOR_SECRET");
    assertThatThrownBy(() -> of(Map.of("VISITOR_SECRET", "short-but-secret-31-bytes-long!")))
        .hasMessageContaining("VISITOR_SECRET").hasMessageContaining("31 bytes")
        .hasMessageNotContaining("short-but-secret");
    assertThat(of(Map.of()).toString()).doesNotContain(SECRET);
  }

  @Test
  void readsTheSiteOrigins() {
    Site site = of(Map.of("SITE_ORIGINS", "https://News.Example/, http://localhost:8080,https://news.example:443",
        "METADATA_REFRESH", "30m")).site();
    assertThat(site.origins()).containsExactly("https://news.example", "http://localhost:8080");
    assertThat(site.metadataRefresh()).isEqualTo(Duration.ofMinutes(30));
    assertThat(site.owns("https://news.example/2026/a?x=1")).isTrue();
    assertThat(site.owns("HTTPS://NEWS.EXAMPLE:443/a")).isTrue();
    assertThat(site.owns("https://evil.example/?https://news.example")).isFalse();
    assertThat(site.owns("javascript:alert(1)")).isFalse();
    assertThat(site.owns(null)).isFalse();
    assertThat(of(Map.of()).site().origins()).isEmpty();
    assertThat(of(Map.of()).site().metadataRefresh()).isEqualTo(Duration.ofHours(6));
    assertThatThrownBy(() -> of(Map.of("SITE_ORIGINS", "https://news.example/politics"))).hasMessageContaining("SITE_ORIGINS");
    assertThatThrownBy(() -> of(Map.of("SITE_ORIGINS", "news.example"))).hasMessageContaining("SITE_ORIGINS");
  }

  @Test
  void readsTheConversionGoals() {
    assertThat(of(Map.of()).conversionGoals())
        .containsExactly("telegram_follow", "newsletter", "app_ios", "app_android", "subscribe");
    assertThat(of(Map.of("CONVERSION_GOALS", "telegram_follow, donate,donate")).conversionGoals())
        .containsExactly("telegram_follow", "donate");
    for (String bad : List.of("Telegram", "a b", "x".repeat(33), " , ", "ok,bad!")) {
      assertThatThrownBy(() -> of(Map.of("CONVERSION_GOALS", bad))).as(bad).hasMessageContaining("CONVERSION_GOALS");
    }
  }
}
