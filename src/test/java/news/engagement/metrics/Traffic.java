package news.engagement.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import news.engagement.testing.RunningService;

/** A little of every kind of traffic, so that every counter and route has a sample. */
final class Traffic {
  static final int VIEWS = 5;
  private static final String BOT_UA = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
  private static final String PREVIEW_UA = "TelegramBot (like TwitterBot)";

  private Traffic() {
  }

  static void send(RunningService service, String article) {
    StringBuilder views = new StringBuilder("[");
    for (int i = 0; i < VIEWS; i++) {
      views.append(i == 0 ? "" : ",").append(event("view", article, "visitor-" + System.nanoTime() + "-" + i));
    }
    String visitor = "visitor-liker-" + System.nanoTime();
    views.append(',').append(event("like", article, visitor))
        .append(",{\"type\":\"share\",\"article\":\"").append(article).append("\",\"vid\":\"").append(visitor)
        .append("\",\"network\":\"telegram\"}")
        .append(',').append(event("view", article, visitor))
        .append(',').append(event("view", article, visitor))
        .append(",{\"type\":\"view\",\"article\":\"no spaces allowed\"}]");
    assertThat(service.postEvents(views.toString(), RunningService.BROWSER_UA).statusCode()).isEqualTo(202);
    assertThat(service.postEvents("[" + event("view", article, null) + "]", BOT_UA).statusCode()).isEqualTo(202);
    service.postEvents("[" + event("view", article, null) + "]", PREVIEW_UA);
    service.awaitApplied();
    assertThat(service.get("/v1/articles/" + article).statusCode()).isEqualTo(200);
    assertThat(service.get("/no/such/page").statusCode()).isEqualTo(404);
  }

  private static String event(String type, String article, String vid) {
    return "{\"type\":\"" + type + "\",\"article\":\"" + article + "\""
        + (vid == null ? "" : ",\"vid\":\"" + vid + "\"") + "}";
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
