package news.engagement.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * A seeded, realistic traffic trace and its ground truth computed by the SPEC's rules (all inside one
 * dedup window): repeat viewers, visitors sharing an address (NAT) told apart by browser, vid users,
 * likes and unlikes, shares on several networks, crawlers, script clients and link-preview fetchers.
 * Requests must be sent in order: a visitor's likes and unlikes depend on it.
 */
public final class TrafficTrace {
  private static final String[] BROWSERS = {
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
      "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
      "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36"};
  private static final String[] BOTS = {
      "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "curl/8.5.0",
      "python-requests/2.31.0", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0 Safari/537.36"};
  private static final String[] PREVIEWS = {"TelegramBot (like TwitterBot)", "WhatsApp/2.23.20.0 A",
      "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", "Twitterbot/1.0"};
  private static final String[] NETWORKS = {"telegram", "twitter", "facebook", "whatsapp", "copy", "print"};

  /** One HTTP request: who sends it and the JSON body. */
  public record Request(String userAgent, String forwardedFor, String body) {
  }

  /** What GET /v1/articles must say of one article. */
  public static final class Truth {
    public long views;
    public long likes;
    public long previews;
    public final Set<String> visitors = new HashSet<>();
    public final Map<String, Long> shares = new TreeMap<>();

    public long sharesTotal() {
      return shares.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  public final List<Request> requests = new ArrayList<>();
  public final Map<String, Truth> truth = new LinkedHashMap<>();
  public int events;
  private final Set<String> sharedBefore = new HashSet<>();

  /** {@code articles} articles read by {@code visitors} visitors, deterministic for a seed. */
  public static TrafficTrace generate(String prefix, int articles, int visitors, long seed) {
    TrafficTrace trace = new TrafficTrace();
    Random random = new Random(seed);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < articles; i++) {
      ids.add(prefix + "-" + i);
      trace.truth.put(prefix + "-" + i, new Truth());
    }
    for (int v = 0; v < visitors; v++) {
      trace.visitor(random, ids, v, prefix);
    }
    for (int b = 0; b < visitors / 5; b++) {
      trace.nonPerson(random, ids, b);
    }
    return trace;
  }

  private void visitor(Random random, List<String> ids, int v, String prefix) {
    boolean hasVid = random.nextInt(10) < 6;
    String ua = BROWSERS[v % BROWSERS.length];
    // Anonymous visitors share addresses five by five (NAT), told apart by their browser.
    String ip = hasVid ? "198.51.100." + random.nextInt(250) : "203.0.113." + (v / BROWSERS.length % 250);
    String identity = hasVid ? "vid:" + v : ip + "|" + ua;
    String vidField = hasVid ? ",\"vid\":\"" + prefix.replaceAll("[^A-Za-z0-9_-]", "") + "-v" + v + "-xx\"" : "";
    // Skewed popularity: low-numbered articles are read more, so top lists have a clear order.
    Set<String> liked = new HashSet<>();
    List<String> body = new ArrayList<>();
    int reads = 1 + random.nextInt(4);
    for (int r = 0; r < reads; r++) {
      String a = ids.get((int) Math.min(ids.size() - 1, Math.abs(random.nextGaussian()) * ids.size() / 2.5));
      Truth t = truth.get(a);
      int repeats = 1 + (random.nextInt(4) == 0 ? 1 + random.nextInt(2) : 0);
      for (int k = 0; k < repeats; k++) {
        body.add(event("view", a, vidField));
      }
      if (t.visitors.add(identity)) {
        t.views++;
      }
      int likeActions = random.nextInt(3) == 0 ? 1 + random.nextInt(3) : 0;
      for (int k = 0; k < likeActions; k++) {
        boolean like = random.nextInt(3) != 0;
        body.add(event(like ? "like" : "unlike", a, vidField));
        if (like && liked.add(a)) {
          t.likes++;
        } else if (!like && liked.remove(a)) {
          t.likes--;
        }
      }
      if (random.nextInt(4) == 0) {
        String network = NETWORKS[random.nextInt(NETWORKS.length)];
        int times = 1 + random.nextInt(2);
        for (int k = 0; k < times; k++) {
          body.add(event("share", a, vidField + ",\"network\":\"" + network + "\""));
        }
        if (sharedBefore.add(identity + "|" + a + "|" + network)) {
          t.shares.merge(network, 1L, Long::sum);
        }
      }
    }
    // The visitor's events in order, cut into requests of 1 to 6 events.
    int from = 0;
    while (from < body.size()) {
      int to = Math.min(body.size(), from + 1 + random.nextInt(6));
      requests.add(new Request(ua, ip, "[" + String.join(",", body.subList(from, to)) + "]"));
      events += to - from;
      from = to;
    }
  }

  private void nonPerson(Random random, List<String> ids, int b) {
    String a = ids.get(random.nextInt(ids.size()));
    if (b % 2 == 0) {
      requests.add(new Request(PREVIEWS[b / 2 % PREVIEWS.length], "149.154.161." + b % 250,
          "[" + event("view", a, "") + "]"));
      truth.get(a).previews++;
    } else {
      requests.add(new Request(BOTS[b / 2 % BOTS.length], "66.249.66." + b % 250,
          "[" + event("view", a, "") + "," + event("like", a, "") + "]"));
      events++;
    }
    events++;
  }

  private static String event(String type, String article, String extra) {
    return "{\"type\":\"" + type + "\",\"article\":\"" + article + "\"" + extra + "}";
  }

  /** Articles ordered by true views, highest first, ties by id ascending (the /v1/top order). */
  public List<String> byViews() {
    List<String> order = new ArrayList<>(truth.keySet());
    order.sort((x, y) -> {
      int c = Long.compare(truth.get(y).views, truth.get(x).views);
      return c != 0 ? c : x.compareTo(y);
    });
    return order;
  }

  public Map<String, Long> views() {
    Map<String, Long> views = new HashMap<>();
    truth.forEach((a, t) -> views.put(a, t.views));
    return views;
  }
}
