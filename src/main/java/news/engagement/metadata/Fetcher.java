package news.engagement.metadata;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import news.engagement.config.Site;

/**
 * Fetches one article page within limits: at most {@code maxBytes} read (the rest is not read: the
 * connection is reset, and the head of the page, where the meta tags are, is kept), at most
 * {@code timeout} from the first byte sent to the last read, redirects followed by hand and only to
 * the site's own origins, HTML only. Uses Vert.x's HTTP client (the one under the web client) because
 * the size cap needs the body as a stream: the web client would buffer all of it first.
 */
final class Fetcher {
  /** The crawl's bounds; {@link #standard()} in production, tighter ones in tests. */
  record Limits(int maxBytes, Duration timeout, int maxRedirects, int maxInFlight, int maxQueued) {
    static Limits standard() {
      return new Limits(1 << 20, Duration.ofSeconds(10), 3, 4, 1_000);
    }

    Limits withTimeout(Duration timeout) {
      return new Limits(maxBytes, timeout, maxRedirects, maxInFlight, maxQueued);
    }
  }

  /** Why a fetch gave no page; the metric's {@code outcome} label (few values on purpose). */
  enum Failure {
    TIMEOUT, OFF_SITE, REDIRECTS, HTTP_STATUS, NOT_HTML, NETWORK, PARSE;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  static final class FetchFailed extends RuntimeException {
    final Failure failure;

    FetchFailed(Failure failure, String message) {
      super(message, null, false, false);
      this.failure = failure;
    }
  }

  /** A fetched page: where it ended up after redirects, its bytes (at most the cap), and whether more was left unread. */
  record Page(String url, byte[] body, String charset, boolean truncated) {
  }

  static final String USER_AGENT = "engagement-metadata/1 (+reads og and article meta tags)";

  private final Vertx vertx;
  private final Site site;
  private final Limits limits;
  private final HttpClientAgent client;

  Fetcher(Vertx vertx, Site site, Limits limits) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.site = Objects.requireNonNull(site, "site");
    this.limits = Objects.requireNonNull(limits, "limits");
    int connectMillis = (int) Math.min(Integer.MAX_VALUE, limits.timeout().toMillis());
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(connectMillis)
            .setDecompressionSupported(false).setMaxRedirects(0).setKeepAlive(false),
        new PoolOptions().setHttp1MaxSize(limits.maxInFlight()));
  }

  /** The page at {@code url} (on one of the site's origins), or a failed future with a {@link FetchFailed}. */
  Future<Page> fetch(String url) {
    Promise<Page> result = Promise.promise();
    Attempt attempt = new Attempt(result);
    long timer = vertx.setTimer(limits.timeout().toMillis(), id -> attempt.fail(
        new FetchFailed(Failure.TIMEOUT, "no complete answer within " + limits.timeout())));
    attempt.get(url, 0);
    return result.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  Future<Void> close() {
    return client.close();
  }

  /** One fetch and its redirects; whatever happens first (page, failure, timer) settles it. */
  private final class Attempt {
    private final Promise<Page> result;
    private HttpClientRequest current;

    Attempt(Promise<Page> result) {
      this.result = result;
    }

    void fail(Throwable err) {
      if (result.tryFail(err) && current != null) {
        current.reset();
      }
    }

    void get(String url, int hops) {
      if (!site.owns(url)) {
        fail(new FetchFailed(Failure.OFF_SITE, "not on the site's origins: " + shorten(url)));
        return;
      }
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url)
          .setFollowRedirects(false).setIdleTimeout(limits.timeout().toMillis())
          .putHeader("User-Agent", USER_AGENT).putHeader("Accept", "text/html,application/xhtml+xml")
          .putHeader("Accept-Encoding", "identity");
      client.request(options).compose(request -> {
        if (result.future().isComplete()) {
          request.reset();
          return Future.<HttpClientResponse>failedFuture("settled");
        }
        current = request;
        return request.send();
      }).onSuccess(response -> answered(url, hops, response))
          .onFailure(err -> fail(err instanceof FetchFailed ? err : new FetchFailed(Failure.NETWORK, String.valueOf(err))));
    }

    private void answered(String url, int hops, HttpClientResponse response) {
      int status = response.statusCode();
      MultiMap headers = response.headers();
      if (status >= 300 && status < 400 && headers.get("Location") != null) {
        response.request().reset(); // the redirect's own body is of no use
        if (hops >= limits.maxRedirects()) {
          fail(new FetchFailed(Failure.REDIRECTS, "more than " + limits.maxRedirects() + " redirects"));
          return;
        }
        String next;
        try {
          next = URI.create(url).resolve(headers.get("Location").trim()).toString();
        } catch (IllegalArgumentException e) {
          fail(new FetchFailed(Failure.OFF_SITE, "a redirect to an address that cannot be read"));
          return;
        }
        get(next, hops + 1);
        return;
      }
      if (status != 200) {
        response.request().reset();
        fail(new FetchFailed(Failure.HTTP_STATUS, "HTTP " + status));
        return;
      }
      String type = headers.get("Content-Type");
      String lower = type == null ? "" : type.toLowerCase(Locale.ROOT);
      if (type != null && !(lower.startsWith("text/html") || lower.startsWith("application/xhtml+xml"))) {
        response.request().reset();
        fail(new FetchFailed(Failure.NOT_HTML, "not HTML: " + shorten(type)));
        return;
      }
      read(url, charset(lower), response);
    }

    private void read(String url, String charset, HttpClientResponse response) {
      Buffer body = Buffer.buffer();
      response.exceptionHandler(err -> fail(new FetchFailed(Failure.NETWORK, String.valueOf(err))));
      response.handler(chunk -> {
        if (result.future().isComplete()) {
          return;
        }
        int room = limits.maxBytes() - body.length();
        if (chunk.length() < room) {
          body.appendBuffer(chunk);
          return;
        }
        // The cap: keep what fits and stop reading; the page's head, where the tags are, is in it.
        body.appendBuffer(chunk, 0, room);
        if (result.tryComplete(new Page(url, body.getBytes(), charset, true))) {
          response.request().reset();
        }
      });
      response.endHandler(v -> result.tryComplete(new Page(url, body.getBytes(), charset, false)));
    }
  }

  /** The charset a Content-Type names, or null (the parser then looks at the page itself). */
  static String charset(String contentType) {
    int at = contentType.indexOf("charset=");
    if (at < 0) {
      return null;
    }
    String name = contentType.substring(at + 8).split(";")[0].trim().replace("\"", "");
    return name.isEmpty() || name.length() > 40 ? null : name;
  }

  private static String shorten(String text) {
    return text.length() > 80 ? text.substring(0, 80) + "..." : text;
  }
}
