package news.engagement.sources;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SourceClassifierTest {
  private static final String PAGE = "https://news.example/2026/05/story";
  private final SourceClassifier classifier = SourceClassifier.standard(List.of("https://news.example",
      "http://127.0.0.1:8080"));

  private String label(String referrer) {
    return classifier.classify(PAGE, referrer).label();
  }

  @Test
  void searchEngines() {
    assertThat(label("https://www.google.com/")).isEqualTo("search:google");
    assertThat(label("https://www.google.co.uk/search?q=x")).isEqualTo("search:google");
    assertThat(label("https://google.com.br/")).isEqualTo("search:google");
    assertThat(label("https://www.bing.com/search?q=news")).isEqualTo("search:bing");
    assertThat(label("https://yandex.ru/search/?text=x")).isEqualTo("search:yandex");
    assertThat(label("https://ya.ru/")).isEqualTo("search:yandex");
    assertThat(label("https://duckduckgo.com/")).isEqualTo("search:duckduckgo");
    assertThat(label("https://www.baidu.com/link?url=abc")).isEqualTo("search:baidu");
    assertThat(label("android-app://com.google.android.googlequicksearchbox/")).isEqualTo("search:google");
  }

  @Test
  void socialNetworks() {
    assertThat(label("https://m.facebook.com/")).isEqualTo("social:facebook");
    assertThat(label("https://l.facebook.com/l.php?u=x")).isEqualTo("social:facebook");
    assertThat(label("https://t.co/abc123")).isEqualTo("social:x");
    assertThat(label("https://twitter.com/")).isEqualTo("social:x");
    assertThat(label("https://x.com/someone/status/1")).isEqualTo("social:x");
    assertThat(label("https://l.instagram.com/?u=x")).isEqualTo("social:instagram");
    assertThat(label("https://vk.com/away.php")).isEqualTo("social:vk");
    assertThat(label("https://ok.ru/")).isEqualTo("social:ok");
    assertThat(label("https://www.linkedin.com/feed/")).isEqualTo("social:linkedin");
    assertThat(label("https://out.reddit.com/t3_x")).isEqualTo("social:reddit");
    assertThat(label("android-app://com.facebook.katana/")).isEqualTo("social:facebook");
  }

  @Test
  void messengersAndInAppBrowsers() {
    assertThat(label("https://t.me/channel/123")).isEqualTo("messenger:telegram");
    assertThat(label("https://web.telegram.org/")).isEqualTo("messenger:telegram");
    assertThat(label("android-app://org.telegram.messenger/")).isEqualTo("messenger:telegram");
    assertThat(label("android-app://org.telegram.messenger")).isEqualTo("messenger:telegram");
    assertThat(label("https://web.whatsapp.com/")).isEqualTo("messenger:whatsapp");
    assertThat(label("android-app://com.whatsapp/")).isEqualTo("messenger:whatsapp");
    assertThat(label("android-app://com.viber.voip/")).isEqualTo("messenger:viber");
    assertThat(label("android-app://com.google.android.gm/")).isEqualTo("other:gmail");
    assertThat(label("https://mail.google.com/mail/u/0/")).isEqualTo("other:gmail");
    // An app nobody listed keeps its package as its name.
    assertThat(label("android-app://com.example.Reader/")).isEqualTo("other:com.example.reader");
  }

  @Test
  void newsAggregatorsBeatTheirSearchEngine() {
    assertThat(label("https://news.google.com/articles/abc")).isEqualTo("news:google_news");
    assertThat(label("https://news.google.co.uk/")).isEqualTo("news:google_news");
    assertThat(label("https://news.yandex.ru/story")).isEqualTo("news:yandex_news");
    assertThat(label("https://dzen.ru/a/xyz")).isEqualTo("news:dzen");
    assertThat(label("https://zen.yandex.ru/media/x")).isEqualTo("news:dzen");
    assertThat(label("https://flipboard.com/")).isEqualTo("news:flipboard");
    assertThat(label("android-app://com.google.android.apps.magazines/")).isEqualTo("news:google_news");
  }

  @Test
  void otherHostsAreNamedByTheirRegistrableDomain() {
    assertThat(label("https://forum.example.co.uk/thread/1")).isEqualTo("other:example.co.uk");
    assertThat(label("http://a.b.c.blog.example.org:8080/x")).isEqualTo("other:example.org");
    // A private suffix of the Public Suffix List: each site under it is its own domain.
    assertThat(label("https://someone.github.io/post")).isEqualTo("other:someone.github.io");
    assertThat(label("HTTPS://WWW.Example.COM./")).isEqualTo("other:example.com");
  }

  @Test
  void idnHostsBecomePunycode() {
    assertThat(label("https://пример.рф/новости")).isEqualTo("other:xn--e1afmkfd.xn--p1ai");
    assertThat(label("https://новости.пример.рф/")).isEqualTo("other:xn--e1afmkfd.xn--p1ai");
    assertThat(label("https://xn--e1afmkfd.xn--p1ai/")).isEqualTo("other:xn--e1afmkfd.xn--p1ai");
  }

  @Test
  void internalDirectAndCampaign() {
    assertThat(label("https://news.example/")).isEqualTo("internal:news.example");
    assertThat(label("http://127.0.0.1:8080/demo")).isEqualTo("internal:127.0.0.1");
    // The page's own origin counts as internal even when SITE_ORIGINS does not list it.
    assertThat(classifier.classify("https://other.example/a", "https://other.example/b").label())
        .isEqualTo("internal:other.example");
    assertThat(classifier.classify(PAGE, null)).isEqualTo(Source.DIRECT);
    assertThat(classifier.classify(PAGE, "")).isEqualTo(Source.DIRECT);
    assertThat(classifier.classify(null, null)).isEqualTo(Source.DIRECT);
    assertThat(classifier.classify(PAGE + "?utm_source=Newsletter%20May&utm_medium=email", "https://t.co/x").label())
        .isEqualTo("campaign:newsletter_may");
    assertThat(classifier.classify(PAGE + "?a=1&UTM_SOURCE=tg#x", null).label()).isEqualTo("campaign:tg");
    // An empty or unusable utm_source is no campaign.
    assertThat(classifier.classify(PAGE + "?utm_source=%%%", "https://t.me/x").label()).isEqualTo("messenger:telegram");
    assertThat(classifier.classify(PAGE + "#?utm_source=x", null)).isEqualTo(Source.DIRECT);
    String longUtm = "a".repeat(500);
    assertThat(classifier.classify(PAGE + "?utm_source=" + longUtm, null).source()).hasSize(Source.MAX_LENGTH);
  }

  @Test
  void junkIsOtherOrDirectNeverAnException() {
    List<String> junk = List.of("file:///C:/Users/me/page.html", "javascript:alert(1)", "data:text/html,<b>x</b>",
        "garbage", "http://", "https:///path", "http://exa mple.com/", "http://[::1]/", "https://a..b/",
        "https://%65xample.com/", "ftp://example.com/", "about:blank", "http://" + "a".repeat(300) + ".com/",
        "http://" + "x.".repeat(1000), "\u0000\u0001\u00ff", "https://example.com:99999999/", "android-app://",
        "https://xn--/", "https://\u200b.com/");
    for (String referrer : junk) {
      Source s = classifier.classify(PAGE, referrer);
      assertThat(s.medium()).as(referrer).isIn(Medium.OTHER, Medium.DIRECT);
      assertThat(Source.validName(s.source())).isTrue();
    }
    assertThat(classifier.classify(PAGE, "javascript:alert(1)")).isEqualTo(Source.UNKNOWN);
    assertThat(classifier.classify(PAGE, "file:///etc/passwd")).isEqualTo(Source.UNKNOWN);
    assertThat(classifier.classify(PAGE, "https://example.com/" + "q".repeat(2048)).label()).isEqualTo("other:example.com");
    assertThat(classifier.classify("x".repeat(10_000), "y".repeat(10_000))).isEqualTo(Source.UNKNOWN);
    Random random = new Random(12);
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes = new byte[random.nextInt(2048)];
      random.nextBytes(bytes);
      String text = (i % 2 == 0 ? "https://" : "") + new String(bytes, StandardCharsets.ISO_8859_1);
      Source s = classifier.classify(text, text);
      assertThat(Source.validName(s.source())).isTrue();
      assertThat(s.medium()).isIn(Medium.OTHER, Medium.DIRECT, Medium.CAMPAIGN, Medium.INTERNAL);
    }
  }

  @Test
  void theHostCacheStaysSmall() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 3 * SourceClassifier.CACHE_SIZE; i++) {
      seen.add(classifier.classify(PAGE, "https://www.junk-" + i + ".net/").source());
    }
    assertThat(seen).hasSize(3 * SourceClassifier.CACHE_SIZE);
    assertThat(classifier.cached()).isLessThanOrEqualTo(SourceClassifier.CACHE_SIZE);
  }

  @Test
  void labelsRoundTrip() {
    Source s = new Source(Medium.SOCIAL, "facebook");
    assertThat(Source.ofLabel(s.label())).isEqualTo(s);
    assertThat(Source.ofLabel("nope:x")).isNull();
    assertThat(Source.ofLabel("social:Bad Name")).isNull();
  }
}
