package news.engagement.testing;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Sums of the history's views per article, read from the test ClickHouse (for tests from any package). */
public final class ClickHouseSums {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private ClickHouseSums() {
  }

  /** Views per article in {@code database.article_engagement}; articles without rows are left out. */
  public static Map<String, Long> views(String database, Iterable<String> articles) {
    String ids = java.util.stream.StreamSupport.stream(articles.spliterator(), false)
        .map(a -> "'" + a.replace("\\", "\\\\").replace("'", "\\'") + "'").collect(Collectors.joining(","));
    String sql = "SELECT article_id, sum(views) FROM " + database + ".article_engagement WHERE article_id IN (" + ids
        + ") GROUP BY article_id FORMAT TabSeparated";
    try {
      HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(TestStores.clickhouseUrl()
          + "/?query=" + URLEncoder.encode(sql, StandardCharsets.UTF_8))).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() != 200) {
        throw new AssertionError("ClickHouse: " + answer.body());
      }
      Map<String, Long> sums = new TreeMap<>();
      answer.body().lines().filter(l -> !l.isBlank()).forEach(line -> {
        String[] f = line.split("\t");
        sums.put(f[0], Long.parseLong(f[1]));
      });
      return sums;
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Waits until ClickHouse's view sums equal {@code expected} (the flusher runs every second). */
  public static void awaitViews(String database, Map<String, Long> expected, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    Map<String, Long> actual = Map.of();
    while (System.nanoTime() < deadline) {
      actual = views(database, expected.keySet());
      if (actual.equals(new TreeMap<>(expected))) {
        return;
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("ClickHouse sums " + actual + " never reached " + new TreeMap<>(expected));
  }
}
