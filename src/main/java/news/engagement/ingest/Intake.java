package news.engagement.ingest;

import java.util.Objects;
import news.engagement.counting.Batcher;
import news.engagement.counting.Countable;
import news.engagement.metrics.EngagementMetrics;
import news.engagement.metrics.EngagementMetrics.CountedType;
import news.engagement.metrics.EngagementMetrics.DropReason;
import news.engagement.visitor.Agent;
import news.engagement.visitor.AgentClassifier;
import news.engagement.visitor.VisitorIds;

/**
 * Where a valid event from any entry point (events API, pixel) becomes a {@link Countable} for the
 * batcher: bots are dropped, link-preview fetchers become previews, the visitor becomes a keyed hash.
 * Pings, and the views of people, also go to the {@link Attention} listener (reading now, engaged time).
 */
public final class Intake {
  /** Whether the event was taken (counted later, or knowingly dropped) or refused for lack of room. */
  public enum Outcome { TAKEN, OVERLOAD }

  private final AgentClassifier agents;
  private final VisitorIds visitors;
  private final Batcher batcher;
  private final EngagementMetrics metrics;
  private final Attention attention;
  private final PageViews pages;
  private final Attribution attribution;
  private final EventValidator.Rules rules;
  private final ArticleIds articles = new ArticleIds();

  public Intake(AgentClassifier agents, VisitorIds visitors, Batcher batcher, EngagementMetrics metrics) {
    this(agents, visitors, batcher, metrics, Attention.NONE);
  }

  public Intake(AgentClassifier agents, VisitorIds visitors, Batcher batcher, EngagementMetrics metrics,
      Attention attention) {
    this(agents, visitors, batcher, metrics, attention, PageViews.NONE, Attribution.NONE, EventValidator.Rules.DEFAULT);
  }

  /**
   * {@code pages} hears the page of every person's accepted view (the metadata crawl); {@code attribution}
   * names each view's traffic source; {@code rules} are the site's goals and origins, which conversions
   * and outbound clicks are checked against.
   */
  public Intake(AgentClassifier agents, VisitorIds visitors, Batcher batcher, EngagementMetrics metrics,
      Attention attention, PageViews pages, Attribution attribution, EventValidator.Rules rules) {
    this.rules = Objects.requireNonNull(rules, "rules");
    this.agents = Objects.requireNonNull(agents, "agents");
    this.visitors = Objects.requireNonNull(visitors, "visitors");
    this.batcher = Objects.requireNonNull(batcher, "batcher");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.attention = Objects.requireNonNull(attention, "attention");
    this.pages = Objects.requireNonNull(pages, "pages");
    this.attribution = Objects.requireNonNull(attribution, "attribution");
  }

  /** Who sent a request: classified and hashed once, however many events the request carries. */
  public static final class Sender {
    private final String ip;
    private final String userAgent;
    private final Agent agent;
    private String clientVisitor;
    private String address;

    private Sender(String ip, String userAgent, Agent agent) {
      this.ip = ip;
      this.userAgent = userAgent;
      this.agent = agent;
    }
  }

  /** What entry points validate conversions and outbound clicks against. */
  public EventValidator.Rules rules() {
    return rules;
  }

  public Sender sender(String clientIp, String userAgent) {
    return new Sender(clientIp, userAgent, agents.classify(userAgent));
  }

  public Outcome accept(Event event, Sender sender) {
    CountedType type = countedType(event.type(), sender.agent);
    metrics.received(type);
    if (sender.agent == Agent.BOT || (sender.agent == Agent.PREVIEW && type != CountedType.PREVIEW)) {
      // Preview fetchers only fetch pages; a like or share in their name is not a person's.
      metrics.dropped(DropReason.BOT, 1);
      return Outcome.TAKEN;
    }
    String visitor = visitor(event, type, sender);
    if (type == CountedType.PING) {
      // Pings are presence only: no dedup key, no uniques, never in the counting batch.
      if (!attention.ping(event.article(), visitor, event.engaged(), event.depth())) {
        metrics.dropped(DropReason.OVERLOAD, 1);
        return Outcome.OVERLOAD;
      }
      return Outcome.TAKEN;
    }
    if (type == CountedType.CONVERSION || type == CountedType.OUTBOUND) {
      // Counted by the conversions room: its own dedup keys, buckets and history, never in the counting batch.
      boolean taken = type == CountedType.CONVERSION ? attention.converted(event.article(), visitor, event.goal())
          : attention.clickedOut(event.article(), visitor, event.destination());
      if (!taken) {
        metrics.dropped(DropReason.OVERLOAD, 1);
        return Outcome.OVERLOAD;
      }
      return Outcome.TAKEN;
    }
    String network = event.network() == null ? null : event.network().wireName();
    String address = type == CountedType.VIEW ? address(sender) : "";
    String source = type == CountedType.VIEW ? attribution.label(event.url(), event.referrer()) : "";
    String article = articles.of(event.article());
    if (!batcher.offer(new Countable(type, article, visitor, network, address, source))) {
      metrics.dropped(DropReason.OVERLOAD, 1);
      return Outcome.OVERLOAD;
    }
    if (type == CountedType.VIEW) {
      attention.viewed(article, visitor);
      pages.viewed(article, event.url());
    }
    return Outcome.TAKEN;
  }

  private String visitor(Event event, CountedType type, Sender sender) {
    if (type == CountedType.PREVIEW) {
      return "";
    }
    if (event.vid() != null) {
      return visitors.ofVid(event.vid());
    }
    if (sender.clientVisitor == null) {
      sender.clientVisitor = visitors.ofClient(sender.ip, sender.userAgent);
    }
    return sender.clientVisitor;
  }

  /** The sender's address group as a keyed hash, once per request (views only: the per-address bound). */
  private String address(Sender sender) {
    if (sender.address == null) {
      sender.address = sender.ip == null ? "" : visitors.ofAddress(RateLimiter.key(sender.ip));
      // Hashed here, where the new string's bytes are in this core's cache: the batcher's per-address
      // allowance reads the hash on its own thread, where computing it was a cache miss per view.
      sender.address.hashCode();
    }
    return sender.address;
  }

  private static CountedType countedType(EventType type, Agent agent) {
    return switch (type) {
      case VIEW -> agent == Agent.PREVIEW ? CountedType.PREVIEW : CountedType.VIEW;
      case LIKE -> CountedType.LIKE;
      case UNLIKE -> CountedType.UNLIKE;
      case SHARE -> CountedType.SHARE;
      case PING -> CountedType.PING;
      case CONVERSION -> CountedType.CONVERSION;
      case OUTBOUND -> CountedType.OUTBOUND;
    };
  }
}
