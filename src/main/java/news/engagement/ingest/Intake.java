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
 */
public final class Intake {
  /** Whether the event was taken (counted later, or knowingly dropped) or refused for lack of room. */
  public enum Outcome { TAKEN, OVERLOAD }

  private final AgentClassifier agents;
  private final VisitorIds visitors;
  private final Batcher batcher;
  private final EngagementMetrics metrics;

  public Intake(AgentClassifier agents, VisitorIds visitors, Batcher batcher, EngagementMetrics metrics) {
    this.agents = Objects.requireNonNull(agents, "agents");
    this.visitors = Objects.requireNonNull(visitors, "visitors");
    this.batcher = Objects.requireNonNull(batcher, "batcher");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  public Outcome accept(Event event, String clientIp, String userAgent) {
    Agent agent = agents.classify(userAgent);
    CountedType type = countedType(event.type(), agent);
    metrics.received(type);
    if (agent == Agent.BOT || (agent == Agent.PREVIEW && type != CountedType.PREVIEW)) {
      // Preview fetchers only fetch pages; a like or share in their name is not a person's.
      metrics.dropped(DropReason.BOT, 1);
      return Outcome.TAKEN;
    }
    String visitor = type == CountedType.PREVIEW ? ""
        : event.vid() != null ? visitors.ofVid(event.vid()) : visitors.ofClient(clientIp, userAgent);
    String network = event.network() == null ? null : event.network().wireName();
    if (!batcher.offer(new Countable(type, event.article(), visitor, network))) {
      metrics.dropped(DropReason.OVERLOAD, 1);
      return Outcome.OVERLOAD;
    }
    return Outcome.TAKEN;
  }

  private static CountedType countedType(EventType type, Agent agent) {
    return switch (type) {
      case VIEW -> agent == Agent.PREVIEW ? CountedType.PREVIEW : CountedType.VIEW;
      case LIKE -> CountedType.LIKE;
      case UNLIKE -> CountedType.UNLIKE;
      case SHARE -> CountedType.SHARE;
    };
  }
}
