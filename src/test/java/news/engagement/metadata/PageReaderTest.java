package news.engagement.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import news.engagement.config.Site;
import org.junit.jupiter.api.Test;

class PageReaderTest {
  private static final Site SITE = new Site(List.of("https://news.example"), Duration.ofHours(6));

  private static Fields read(String html, String url) {
    return PageReader.read(html.getBytes(StandardCharsets.UTF_8), null, url, SITE);
  }

  @Test
  void readsOgAndArticleTags() {
    Fields f = read("<html><head><title>Ignored</title>"
        + "<meta property='og:title' content='A &quot;quoted&quot; title'>"
        + "<link rel='canonical' href='/politics/budget'>"
        + "<meta property='article:section' content='Politics'>"
        + "<meta property='article:author' content='A. One'><meta property='article:author' content='B. Two'>"
        + "<meta property='article:author' content='A. One'>"
        + "<meta property='article:published_time' content='2026-02-07'>"
        + "<meta property='og:image' content='https://cdn.example/a.jpg'></head></html>",
        "https://news.example/politics/budget?utm_source=x");
    assertThat(f.title()).isEqualTo("A \"quoted\" title");
    assertThat(f.url()).isEqualTo("https://news.example/politics/budget");
    assertThat(f.section()).isEqualTo("Politics");
    assertThat(f.authors()).containsExactly("A. One", "B. Two");
    assertThat(f.published()).isEqualTo(Instant.parse("2026-02-07T00:00:00Z"));
    assertThat(f.image()).isEqualTo("https://cdn.example/a.jpg");
  }

  @Test
  void fallsBackToTheTitleAndThePageAddress() {
    Fields f = read("<title>\n  Only a\ttitle </title><p>body", "https://news.example/a");
    assertThat(f.title()).isEqualTo("Only a title");
    assertThat(f.url()).isEqualTo("https://news.example/a");
    assertThat(f.section()).isNull();
    assertThat(f.authors()).isEmpty();
    assertThat(f.published()).isNull();
    assertThat(f.image()).isNull();
  }

  @Test
  void markupInATitleIsKeptAsTextAndUnsafeLinksAreDropped() {
    Fields f = read("<meta property='og:title' content='&lt;img src=x onerror=alert(1)&gt;'>"
        + "<link rel='canonical' href='https://evil.example/x'>"
        + "<meta property='og:image' content='javascript:alert(1)'>"
        + "<meta property='article:published_time' content='yesterday'>", "https://news.example/p");
    assertThat(f.title()).isEqualTo("<img src=x onerror=alert(1)>");
    assertThat(f.url()).isEqualTo("https://news.example/p"); // a canonical off the site is not believed
    assertThat(f.image()).isNull();
    assertThat(f.published()).isNull();
  }

  @Test
  void everyTextIsCapped() {
    String longText = "word ".repeat(1000);
    StringBuilder authors = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      authors.append("<meta property='article:author' content='Author ").append(i).append(' ').append(longText).append("'>");
    }
    Fields f = read("<meta property='og:title' content='" + longText + "'>"
        + "<meta property='article:section' content='" + longText + "\u0000\u202e'>" + authors,
        "https://news.example/p");
    assertThat(f.title()).hasSizeLessThanOrEqualTo(Fields.MAX_TITLE);
    assertThat(f.section()).hasSizeLessThanOrEqualTo(Fields.MAX_SECTION).doesNotContain("\u0000", "\u202e");
    assertThat(f.authors()).hasSize(Fields.MAX_AUTHORS).allSatisfy(a -> assertThat(a).hasSizeLessThanOrEqualTo(Fields.MAX_AUTHOR));
  }

  @Test
  void editorBodiesAreValidated() {
    assertThat(MetadataHandler.parse("{\"title\":\"T\",\"section\":\"World\",\"authors\":[\"A\"],"
        + "\"published\":\"2026-02-07T09:30:00Z\",\"url\":\"https://news.example/t\"}").title()).isEqualTo("T");
    for (String[] bad : new String[][] {
        {"[1]", "invalid_json"}, {"not json", "invalid_json"}, {"{\"colour\":\"red\"}", "unknown_field"},
        {"{\"title\":5}", "invalid_title"}, {"{\"title\":\"" + "x".repeat(301) + "\"}", "invalid_title"},
        {"{\"title\":\"  \"}", "invalid_title"}, {"{\"url\":\"javascript:alert(1)\"}", "invalid_url"},
        {"{\"authors\":\"A\"}", "invalid_authors"}, {"{\"published\":\"soon\"}", "invalid_published"}}) {
      try {
        MetadataHandler.parse(bad[0]);
        throw new AssertionError("accepted " + bad[0]);
      } catch (MetadataHandler.Invalid invalid) {
        assertThat(invalid.code).as(bad[0]).isEqualTo(bad[1]);
      }
    }
  }
}
