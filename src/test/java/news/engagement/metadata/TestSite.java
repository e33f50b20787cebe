package news.engagement.metadata;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import news.engagement.testing.RunningService;

/**
 * A news site served by the test itself on a free port: pages with og and article tags, a page without
 * them, a redirect within the site and one off it ({@code localhost} is another origin than
 * {@code 127.0.0.1}), a 10 MB page, a page that never answers, and a title holding markup. Counts the
 * requests per host and path with query.
 */
final class TestSite implements AutoCloseable {
  static final String MARKUP = "<img src=x onerror=alert(1)>";
  static final int BIG_BYTES = 10 * 1024 * 1024;

  private final Vertx vertx;
  private final HttpServer server;
  final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

  TestSite() {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().requestHandler(request -> {
      requests.computeIfAbsent(request.authority().host() + request.uri(), k -> new AtomicInteger()).incrementAndGet();
      HttpServerResponse response = request.response();
      switch (request.path()) {
        case "/og" -> html(response, "<title>Site title - Ledger</title>"
            + "<meta property=\"og:title\" content=\"Budget vote delayed &amp; again\">"
            + "<meta property=\"article:section\" content=\"Politics\">"
            + "<meta property=\"article:author\" content=\"Anna Petrosyan\">"
            + "<meta property=\"article:author\" content=\"Karen Sargsyan\">"
            + "<meta property=\"article:published_time\" content=\"2026-02-07T11:30:00+02:00\">"
            + "<meta property=\"og:image\" content=\"/img/budget.jpg\">"
            + "<link rel=\"canonical\" href=\"/og\">"
            + "<link rel=\"stylesheet\" href=\"/x.css\">", "<h1>Budget vote delayed</h1>");
        case "/plain" -> html(response, "<title>  Plain\n page  </title>", "<p>No tags here.</p>");
        case "/hop" -> response.setStatusCode(302).putHeader("Location", "/moved").end();
        case "/moved" -> html(response, "<meta property=\"og:title\" content=\"Moved here\">"
            + "<meta property=\"article:section\" content=\"Business\">"
            + "<link rel=\"canonical\" href=\"https://elsewhere.example/stolen\">", "");
        case "/off" -> response.setStatusCode(302)
            .putHeader("Location", "http://localhost:" + port() + "/og").end();
        case "/big" -> big(response);
        case "/hang" -> { } // never answers
        case "/markup" -> html(response, "<meta property=\"og:title\" content=\"&lt;img src=x onerror=alert(1)&gt;\">"
            + "<meta property=\"article:section\" content=\"Politics\">", "");
        case "/image" -> response.putHeader("Content-Type", "image/png").end(Buffer.buffer(new byte[100]));
        default -> response.setStatusCode(404).end();
      }
    });
    RunningService.await(server.listen(0, "127.0.0.1"));
  }

  int port() {
    return server.actualPort();
  }

  String url(String path) {
    return "http://127.0.0.1:" + port() + path;
  }

  int requests(String host, String pathAndQuery) {
    AtomicInteger n = requests.get(host + pathAndQuery);
    return n == null ? 0 : n.get();
  }

  private static void html(HttpServerResponse response, String head, String body) {
    response.putHeader("Content-Type", "text/html; charset=utf-8")
        .end("<!doctype html><html><head><meta charset=\"utf-8\">" + head + "</head><body>" + body + "</body></html>");
  }

  /** 10 MB: the tags first, then filler, written as the reader takes it. */
  private static void big(HttpServerResponse response) {
    String head = "<!doctype html><html><head><meta property=\"og:title\" content=\"Big page\">"
        + "<meta property=\"article:section\" content=\"Culture\"></head><body>";
    response.putHeader("Content-Type", "text/html").putHeader("Content-Length", Integer.toString(BIG_BYTES));
    Buffer filler = Buffer.buffer("<p>" + "x".repeat(64 * 1024 - 7) + "</p>");
    AtomicInteger sent = new AtomicInteger(head.length());
    response.write(head);
    Runnable[] more = new Runnable[1];
    more[0] = () -> {
      while (!response.writeQueueFull() && !response.closed()) {
        int left = BIG_BYTES - sent.get();
        if (left <= 0) {
          response.end();
          return;
        }
        Buffer chunk = left >= filler.length() ? filler : filler.getBuffer(0, left);
        sent.addAndGet(chunk.length());
        response.write(chunk);
      }
      if (!response.closed()) {
        response.drainHandler(v -> more[0].run());
      }
    };
    more[0].run();
  }

  @Override
  public void close() {
    RunningService.await(vertx.close());
  }
}
