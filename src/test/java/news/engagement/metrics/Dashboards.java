package news.engagement.metrics;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the Grafana dashboards under {@code dashboards/} the way Grafana would, and turns their queries
 * into what Grafana sends: PromQL with its interval variables replaced, ClickHouse SQL with the
 * plugin's macros expanded.
 */
public final class Dashboards {
  static final Path DIR = Path.of("dashboards");
  static final String PROMETHEUS_TYPE = "prometheus";
  static final String CLICKHOUSE_TYPE = "grafana-clickhouse-datasource";

  /** One query of one panel. */
  public record Query(String dashboard, String panel, String datasourceType, String datasourceUid, String text) {
    @Override
    public String toString() {
      return dashboard + " / " + panel + ": " + text;
    }
  }

  private static final Pattern STRINGS = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
  private static final Pattern LABEL_MATCHERS = Pattern.compile("\\{[^}]*}");
  private static final Pattern RANGES = Pattern.compile("\\[[^\\]]*]");
  private static final Pattern GROUPINGS = Pattern.compile(
      "\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_:][A-Za-z0-9_:]*");
  private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "inf", "nan");

  private Dashboards() {
  }

  static List<Path> files() {
    try (Stream<Path> files = Files.list(DIR)) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonObject read(Path file) {
    try {
      return new JsonObject(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every panel, rows' nested panels included; rows themselves are not panels with queries. */
  static List<JsonObject> panels(JsonObject dashboard) {
    List<JsonObject> panels = new ArrayList<>();
    collect(dashboard.getJsonArray("panels", new JsonArray()), panels);
    return panels;
  }

  private static void collect(JsonArray array, List<JsonObject> into) {
    for (int i = 0; i < array.size(); i++) {
      JsonObject panel = array.getJsonObject(i);
      if ("row".equals(panel.getString("type"))) {
        collect(panel.getJsonArray("panels", new JsonArray()), into);
      } else {
        into.add(panel);
      }
    }
  }

  static List<Query> queries() {
    List<Query> queries = new ArrayList<>();
    for (Path file : files()) {
      JsonObject dashboard = read(file);
      for (JsonObject panel : panels(dashboard)) {
        JsonArray targets = panel.getJsonArray("targets", new JsonArray());
        for (int i = 0; i < targets.size(); i++) {
          JsonObject target = targets.getJsonObject(i);
          JsonObject ds = target.getJsonObject("datasource", panel.getJsonObject("datasource"));
          String text = target.getString("expr", target.getString("rawSql"));
          queries.add(new Query(dashboard.getString("title"), panel.getString("title"), ds.getString("type"),
              ds.getString("uid"), text));
        }
      }
    }
    return queries;
  }

  static List<Query> promQueries() {
    return queries().stream().filter(q -> PROMETHEUS_TYPE.equals(q.datasourceType())).toList();
  }

  public static List<Query> clickhouseQueries() {
    return queries().stream().filter(q -> CLICKHOUSE_TYPE.equals(q.datasourceType())).toList();
  }

  /** The metric names a PromQL expression selects (not functions, labels, keywords or durations). */
  static Set<String> metricNames(String expr) {
    String rest = STRINGS.matcher(expr).replaceAll(" ");
    rest = LABEL_MATCHERS.matcher(rest).replaceAll(" ");
    rest = RANGES.matcher(rest).replaceAll(" ");
    rest = GROUPINGS.matcher(rest).replaceAll(" ");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(rest);
    while (m.find()) {
      String name = m.group();
      boolean isFunction = rest.substring(m.end()).stripLeading().startsWith("(");
      boolean afterDigit = m.start() > 0 && Character.isDigit(rest.charAt(m.start() - 1));
      if (!isFunction && !afterDigit && !KEYWORDS.contains(name.toLowerCase())) {
        names.add(name);
      }
    }
    return names;
  }

  static Set<String> allMetricNames() {
    Set<String> names = new TreeSet<>();
    promQueries().forEach(q -> names.addAll(metricNames(q.text())));
    return names;
  }

  /** PromQL as Grafana sends it, with its interval variables given fixed values. */
  static String promForEvaluation(String expr) {
    return expr.replace("$__rate_interval", "1m").replace("$__interval", "15s").replace("$__range", "5m");
  }

  /**
   * SQL as the ClickHouse plugin sends it: macros expanded as the plugin does, the article variable
   * quoted, the interval 60 s, and the dashboards' database replaced by the test's own.
   */
  public static String clickhouseForEvaluation(String sql, String database, long fromEpochSecond, long toEpochSecond,
      String article) {
    String from = "toDateTime(" + fromEpochSecond + ")";
    String to = "toDateTime(" + toEpochSecond + ")";
    String quoted = "'" + article.replace("\\", "\\\\").replace("'", "\\'") + "'";
    return sql
        .replaceAll("\\$__timeFilter\\((\\w+)\\)", "$1 >= " + from + " AND $1 <= " + to)
        .replaceAll("\\$__timeInterval\\((\\w+)\\)", "toStartOfInterval(toDateTime($1), INTERVAL 60 second)")
        .replace("$__fromTime", from)
        .replace("$__toTime", to)
        .replace("$__interval_s", "60")
        .replace("${article:sqlstring}", quoted)
        .replace("${article}", article)
        .replace("engagement.", database + ".");
  }
}
