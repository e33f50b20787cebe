package news.engagement.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import news.engagement.config.Site;
import news.engagement.testing.RunningService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fetch's own limits against the test site, without the rest of the service. */
class FetcherTest {
  private static TestSite site;
  private static Vertx vertx;
  private static Fetcher fetcher;

  @BeforeAll
  static void start() {
    site = new TestSite();
    vertx = Vertx.vertx();
    Site ours = new Site(List.of("http://127.0.0.1:" + site.port()), Duration.ofHours(6));
    fetcher = new Fetcher(vertx, ours, Fetcher.Limits.standard().withTimeout(Duration.ofSeconds(2)));
  }

  @AfterAll
  static void stop() {
    RunningService.await(vertx.close());
    site.close();
  }

  @Test
  void readsNoMoreThanTheCapOfATenMegabytePage() {
    Fetcher.Page page = RunningService.await(fetcher.fetch(site.url("/big")));
    assertThat(page.truncated()).isTrue();
    assertThat(page.body().length).isEqualTo(Fetcher.Limits.standard().maxBytes());
    assertThat(new String(page.body(), 0, 200, StandardCharsets.UTF_8)).contains("og:title");
  }

  @Test
  void aSmallPageIsReadWhole() {
    Fetcher.Page page = RunningService.await(fetcher.fetch(site.url("/og")));
    assertThat(page.truncated()).isFalse();
    assertThat(page.charset()).isEqualTo("utf-8");
    assertThat(new String(page.body(), StandardCharsets.UTF_8)).endsWith("</html>");
  }

  @Test
  void failuresSayWhy() {
    assertThat(failure("/hang")).isEqualTo(Fetcher.Failure.TIMEOUT);
    assertThat(failure("/off")).isEqualTo(Fetcher.Failure.OFF_SITE);
    assertThat(failure("/image")).isEqualTo(Fetcher.Failure.NOT_HTML);
    assertThat(failure("/missing")).isEqualTo(Fetcher.Failure.HTTP_STATUS);
    assertThat(RunningService.await(fetcher.fetch(site.url("/hop"))).url()).isEqualTo(site.url("/moved"));
  }

  private static Fetcher.Failure failure(String path) {
    try {
      fetcher.fetch(site.url(path)).toCompletionStage().toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(Fetcher.FetchFailed.class);
      return ((Fetcher.FetchFailed) e.getCause()).failure;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError(path + " was fetched");
  }
}
