package news.engagement.visitor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** One test per family of the lists in agents.txt, with User-Agents as they are really sent. */
class AgentClassifierTest {
  private final AgentClassifier classifier = AgentClassifier.standard();

  @ParameterizedTest(name = "person: {0}")
  @ValueSource(strings = {
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
      "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
      "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0",
      "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/460.0]",
      "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36 YaBrowser/24.4"})
  void browsersArePeople(String ua) {
    assertThat(classifier.classify(ua)).isEqualTo(Agent.PERSON);
  }

  @ParameterizedTest(name = "preview: {0}")
  @ValueSource(strings = {
      "TelegramBot (like TwitterBot)",
      "Twitterbot/1.0",
      "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
      "WhatsApp/2.23.20.0 A",
      "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
      "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
      "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
      "Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)",
      "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5"})
  void linkPreviewFetchersArePreviews(String ua) {
    assertThat(classifier.classify(ua)).isEqualTo(Agent.PREVIEW);
  }

  @ParameterizedTest(name = "crawler: {0}")
  @ValueSource(strings = {
      "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
      "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36",
      "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
      "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
      "DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)",
      "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
      "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
      "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)",
      "CCBot/2.0 (https://commoncrawl.org/faq/)",
      "Mozilla/5.0 (compatible; some-new-crawler/0.1)"})
  void crawlersAreBots(String ua) {
    assertThat(classifier.classify(ua)).isEqualTo(Agent.BOT);
  }

  @ParameterizedTest(name = "monitor: {0}")
  @ValueSource(strings = {
      "Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)",
      "Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)",
      "kube-probe/1.29",
      "ELB-HealthChecker/2.0",
      "Datadog Agent/7.52.0"})
  void monitorsAreBots(String ua) {
    assertThat(classifier.classify(ua)).isEqualTo(Agent.BOT);
  }

  @ParameterizedTest(name = "script client: {0}")
  @ValueSource(strings = {
      "curl/8.5.0", "Wget/1.21.4", "python-requests/2.31.0", "Python-urllib/3.11", "Go-http-client/1.1",
      "Java-http-client/17.0.10", "Java/17.0.2", "Apache-HttpClient/5.2.1 (Java/17)", "okhttp/4.12.0",
      "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)", "axios/1.6.8", "PostmanRuntime/7.37.0",
      "Scrapy/2.11.1 (+https://scrapy.org)", "libwww-perl/6.72", "GuzzleHttp/7"})
  void scriptClientsAreBots(String ua) {
    assertThat(classifier.classify(ua)).isEqualTo(Agent.BOT);
  }

  @ParameterizedTest(name = "headless: {0}")
  @ValueSource(strings = {
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36",
      "Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) PhantomJS/2.1.1 Safari/538.1",
      "Mozilla/5.0 (Linux; Android 7.0; Moto G (4)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse"})
  void headlessBrowsersAreBots(String ua) {
    assertThat(classifier.classify(ua)).isEqualTo(Agent.BOT);
  }

  @Test
  void aMissingUserAgentIsAScript() {
    assertThat(classifier.classify(null)).isEqualTo(Agent.BOT);
    assertThat(classifier.classify("  ")).isEqualTo(Agent.BOT);
  }
}
