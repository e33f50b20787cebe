package news.engagement.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The views ClickHouse holds for one article, read over HTTP as a dashboard would; test threads only. */
public final class HistoryViews {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private HistoryViews() {
  }

  /** Waits until the article's views in {@code database} (the FINAL view: one version per row) equal {@code expected}. */
  public static void await(String database, String article, long expected, Duration limit)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response = query("SELECT sum(views) FROM " + database + ".article_engagement WHERE article_id = '"
          + article + "' FORMAT TabSeparated");
      last = response.statusCode() + " " + response.body().trim();
      if (response.statusCode() == 200 && response.body().trim().equals(Long.toString(expected))) {
        return;
      }
      Thread.sleep(250);
    }
    HttpResponse<String> rows = query("SELECT minute, generation, views, version FROM " + database
        + ".article_engagement_rows WHERE article_id = '" + article + "' ORDER BY minute, generation, version FORMAT TabSeparated");
    throw new AssertionError("ClickHouse views of " + article + " did not reach " + expected + " within " + limit
        + "; last: " + last + "\nrows (minute, generation, views, version):\n" + rows.body());
  }

  private static HttpResponse<String> query(String sql) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(TestStores.clickhouseUrl() + "/"))
        .POST(HttpRequest.BodyPublishers.ofString(sql)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
