package news.engagement.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The dashboards, their provisioning and docker-compose.yml hold together: every panel queries a
 * provisioned data source, every file the compose file mounts exists, every reference resolves.
 */
class DashboardFilesTest {
  private static final Path PROVISIONING = Dashboards.DIR.resolve("provisioning");

  @Test
  void dashboardsAreJsonWithPanelsOnProvisionedDataSources() throws IOException {
    Map<String, String> datasources = provisionedDatasources();
    assertThat(datasources).containsEntry("prometheus", Dashboards.PROMETHEUS_TYPE)
        .containsEntry("clickhouse", Dashboards.CLICKHOUSE_TYPE);
    List<Path> files = Dashboards.files();
    assertThat(files).extracting(p -> p.getFileName().toString())
        .contains("service-health.json", "editorial-traffic.json");
    Set<String> uids = new HashSet<>();
    for (Path file : files) {
      JsonObject dashboard = Dashboards.read(file);
      assertThat(dashboard.getString("uid")).as(file + " uid").isNotBlank();
      assertThat(uids.add(dashboard.getString("uid"))).as("unique uid " + file).isTrue();
      assertThat(dashboard.getString("title")).as(file + " title").isNotBlank();
      List<JsonObject> panels = Dashboards.panels(dashboard);
      assertThat(panels).as(file + " panels").isNotEmpty();
      for (JsonObject panel : panels) {
        String where = file.getFileName() + " / " + panel.getString("title");
        assertThat(panel.getString("title")).as(where).isNotBlank();
        assertThat(panel.getJsonArray("targets")).as(where + " targets").isNotEmpty();
        assertThat(panel.getJsonObject("gridPos")).as(where + " gridPos").isNotNull();
        JsonObject ds = panel.getJsonObject("datasource");
        assertThat(datasources).as(where + " datasource uid").containsKey(ds.getString("uid"));
        assertThat(ds.getString("type")).as(where + " datasource type").isEqualTo(datasources.get(ds.getString("uid")));
      }
    }
    for (Dashboards.Query query : Dashboards.queries()) {
      assertThat(datasources).as(query.toString()).containsEntry(query.datasourceUid(), query.datasourceType());
      assertThat(query.text()).as(query.toString()).isNotBlank();
    }
  }

  @Test
  void editorialQueriesReadTheRowsTableThroughFinalFilteredOnItsKey() {
    List<Dashboards.Query> queries = Dashboards.clickhouseQueries();
    assertThat(queries).isNotEmpty();
    // The table, not the view: 18.16 pushes no WHERE into a view, so every panel would read all history.
    // With FINAL only key columns may be filtered (all versions of a row share them): article_id, minute.
    // The engaged-time, sources and conversions panels read their tables (presence's, article_sources_rows,
    // article_conversions_minutes) the same way; conversions also filter on their key column kind.
    List<Dashboards.Query> minuteTables = queries.stream().filter(q -> !q.panel().startsWith("Top articles")).toList();
    assertThat(minuteTables).allSatisfy(q -> assertThat(q.text()).containsPattern(
        "FROM engagement\\.(article_engagement_rows|site_engagement_minutes|article_presence_minutes|article_sources_rows"
            + "|article_conversions_minutes) FINAL\n")
        .containsPattern("WHERE (article_id = \\$\\{article:sqlstring\\} AND )?\\$__timeFilter\\(minute\\)"
            + "( AND kind = '(conversion|outbound)')?(\n|$)"));
    assertThat(queries).anySatisfy(q -> assertThat(q.text()).contains("${article:sqlstring}"));
    // Site-wide counts read the shards' per-minute totals (ordered by minute: a range reads only itself);
    // the top list reads the roll-up's days and hours (ordered by day / hour first) with FINAL, filtered on
    // those key columns; no panel reads all articles' rows.
    assertThat(queries).filteredOn(q -> q.text().contains("article_engagement_rows")
        && !q.text().contains("${article:sqlstring}")).isEmpty();
    assertThat(queries).filteredOn(q -> q.panel().startsWith("Top articles")).singleElement()
        .satisfies(q -> assertThat(q.text())
            .contains("FROM engagement.article_engagement_days FINAL\n  WHERE day >= toDateTime(d1) AND day < toDateTime(d2)\n")
            .contains("FROM engagement.article_engagement_hours FINAL\n  WHERE (hour >= toDateTime(a) AND hour < toDateTime(d1)) "
                + "OR (hour >= toDateTime(d2) AND hour < toDateTime(b))\n"));
    assertThat(queries).filteredOn(q -> q.text().contains("site_engagement_minutes")).extracting(Dashboards.Query::panel)
        .hasSize(3);
  }

  @Test
  void metricNamesAreFoundInPromQl() {
    assertThat(Dashboards.metricNames(
        "histogram_quantile(0.99, sum by (le, route) (rate(vertx_http_server_response_time_seconds_bucket[$__rate_interval])))"))
        .containsExactly("vertx_http_server_response_time_seconds_bucket");
    assertThat(Dashboards.metricNames(
        "sum by (instance) (jvm_memory_max_bytes{area=\"heap\"} > 0) / max(process_cpu_usage) and up offset 5m"))
        .containsExactly("jvm_memory_max_bytes", "process_cpu_usage", "up");
    assertThat(Dashboards.allMetricNames()).contains("engagement_events_received_total",
        "engagement_events_dropped_total", "engagement_clickhouse_lag_seconds", "jvm_gc_pause_seconds_sum");
  }

  @Test
  void grafanaProvisioningPointsAtTheMountedDashboards() throws IOException {
    Map<String, Object> providers = yaml(PROVISIONING.resolve("dashboards/dashboards.yml"));
    Map<String, Object> provider = maps(providers.get("providers")).get(0);
    String path = (String) map(provider.get("options")).get("path");
    Map<String, Object> grafana = map(services().get("grafana"));
    assertThat(strings(grafana.get("volumes"))).contains("./dashboards:" + path + ":ro",
        "./dashboards/provisioning:/etc/grafana/provisioning:ro");
    assertThat(String.valueOf(map(grafana.get("environment")).get("GF_INSTALL_PLUGINS")))
        .contains(Dashboards.CLICKHOUSE_TYPE);
  }

  @Test
  void composeRunsTheWholeStackWithHealthChecks() throws IOException {
    Map<String, Object> compose = yaml(Path.of("docker-compose.yml"));
    Map<String, Object> services = services();
    assertThat(services).containsKeys("engagement", "redis", "clickhouse", "prometheus", "grafana");
    Set<String> volumes = map(compose.get("volumes")).keySet();
    for (Map.Entry<String, Object> entry : services.entrySet()) {
      Map<String, Object> service = map(entry.getValue());
      String name = entry.getKey();
      assertThat(service).as(name + " healthcheck").containsKey("healthcheck");
      assertThat(service.containsKey("image") || service.containsKey("build")).as(name + " image").isTrue();
      for (String dependency : dependencies(service.get("depends_on"))) {
        assertThat(services).as(name + " depends on").containsKey(dependency);
      }
      for (String volume : strings(service.getOrDefault("volumes", List.of()))) {
        String source = volume.split(":")[0];
        if (source.startsWith(".")) {
          assertThat(Path.of(source)).as(name + " mounts " + source).exists();
        } else {
          assertThat(volumes).as(name + " volume " + source).contains(source);
        }
      }
    }
    Map<String, Object> env = map(map(services.get("engagement")).get("environment"));
    assertThat(env).containsKeys("REDIS_URL", "CLICKHOUSE_URL", "CLICKHOUSE_DATABASE", "EDITOR_TOKEN", "HTTP_PORT");
    assertThat(String.valueOf(env.get("REDIS_URL"))).startsWith("redis://redis:");
    assertThat(String.valueOf(env.get("CLICKHOUSE_URL"))).startsWith("http://clickhouse:8123");
    assertThat(strings(map(services.get("redis")).get("command"))).containsSequence("--appendonly", "yes");
    assertThat(Path.of("Dockerfile")).content().contains("FROM maven:3-eclipse-temurin-17", "FROM eclipse-temurin:17-jre",
        "target/engagement-service.jar");
  }

  @Test
  void prometheusScrapesTheServiceMetrics() throws IOException {
    Map<String, Object> prometheus = map(services().get("prometheus"));
    String mount = strings(prometheus.get("volumes")).stream().filter(v -> v.endsWith("prometheus.yml:ro")).findFirst()
        .orElseThrow();
    Map<String, Object> config = yaml(Path.of(mount.split(":")[0]));
    Map<String, Object> job = maps(config.get("scrape_configs")).get(0);
    assertThat(job.get("metrics_path")).isEqualTo(MetricsHandler.PATH);
    List<String> targets = strings(map(maps(job.get("static_configs")).get(0)).get("targets"));
    assertThat(targets).containsExactly("engagement:" + map(map(services().get("engagement")).get("environment"))
        .get("HTTP_PORT"));
  }

  private static Map<String, String> provisionedDatasources() throws IOException {
    Map<String, String> byUid = new HashMap<>();
    for (Map<String, Object> ds : maps(yaml(PROVISIONING.resolve("datasources/datasources.yml")).get("datasources"))) {
      byUid.put((String) ds.get("uid"), (String) ds.get("type"));
    }
    return byUid;
  }

  private static Map<String, Object> services() throws IOException {
    return map(yaml(Path.of("docker-compose.yml")).get("services"));
  }

  private static Map<String, Object> yaml(Path file) throws IOException {
    try (Reader reader = Files.newBufferedReader(file)) {
      Map<String, Object> doc = new Yaml().load(reader);
      assertThat(doc).as(file + " is a YAML mapping").isNotNull();
      return doc;
    }
  }

  private static Set<String> dependencies(Object dependsOn) {
    if (dependsOn == null) {
      return Set.of();
    }
    return dependsOn instanceof Map<?, ?> m ? map(m).keySet() : Set.copyOf(strings(dependsOn));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    assertThat(value).isInstanceOf(Map.class);
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> maps(Object value) {
    assertThat(value).isInstanceOf(List.class);
    return (List<Map<String, Object>>) value;
  }

  @SuppressWarnings("unchecked")
  private static List<String> strings(Object value) {
    assertThat(value).isInstanceOf(List.class);
    return (List<String>) value;
  }
}
