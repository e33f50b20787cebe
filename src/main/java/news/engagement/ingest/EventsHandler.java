package news.engagement.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import news.engagement.metrics.EngagementMetrics;
import news.engagement.metrics.EngagementMetrics.DropReason;
import news.engagement.visitor.ClientAddress;
import news.engagement.web.Errors;

/**
 * {@code POST /v1/events}: one event, an array, or {"events": [...]}, as application/json or as the
 * text/plain that sendBeacon sends. Answers 202 at once; counting happens in the batcher.
 */
public final class EventsHandler implements Handler<RoutingContext> {
  public static final int MAX_EVENTS = 100;
  public static final int MAX_BODY_BYTES = 64 * 1024;
  /** The answers without rejections, by count accepted: the common case needs no JSON encoding. */
  private static final JsonFactory JSON_FACTORY = new JsonFactory();
  private static final CharSequence X_FORWARDED_FOR = HttpHeaders.createOptimized("X-Forwarded-For");
  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
  private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");
  private static final Buffer[] ALL_ACCEPTED = new Buffer[MAX_EVENTS + 1];

  static {
    for (int n = 0; n <= MAX_EVENTS; n++) {
      ALL_ACCEPTED[n] = new JsonObject().put("accepted", n).put("rejected", new JsonArray()).toBuffer();
    }
  }

  private final Intake intake;
  private final ClientAddress clientAddress;
  private final RateLimiter rateLimiter;
  private final EngagementMetrics metrics;
  private final Clock clock;

  public EventsHandler(Intake intake, ClientAddress clientAddress, RateLimiter rateLimiter,
      EngagementMetrics metrics, Clock clock) {
    this.intake = Objects.requireNonNull(intake, "intake");
    this.clientAddress = Objects.requireNonNull(clientAddress, "clientAddress");
    this.rateLimiter = Objects.requireNonNull(rateLimiter, "rateLimiter");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void handle(RoutingContext ctx) {
    handle(ctx.request(), ctx.body().buffer());
  }

  /** The request with its whole body (the router's BodyHandler, or the fast lane, read it within the size limit). */
  public void handle(HttpServerRequest request, Buffer body) {
    if (body == null || body.length() == 0) {
      reject(request, 400, "empty_body", "send one event, an array of events, or {\"events\": [...]} as JSON");
      return;
    }
    Object parsed;
    try {
      parsed = decode(body);
    } catch (DecodeException | IOException e) {
      reject(request, 400, "invalid_json", "the body is not valid JSON");
      return;
    }
    List<Object> items = items(parsed);
    if (items == null) {
      reject(request, 400, "invalid_shape", "send one event object, an array of events, or {\"events\": [...]}");
      return;
    }
    if (items.size() > MAX_EVENTS) {
      reject(request, 413, "too_many_events", "a request may carry at most " + MAX_EVENTS + " events");
      return;
    }
    if (items.isEmpty()) {
      reject(request, 400, "no_events", "the request holds no events");
      return;
    }
    take(request, items);
  }

  private void take(HttpServerRequest request, List<Object> items) {
    List<Event> valid = new ArrayList<>(items.size());
    List<Integer> indexes = new ArrayList<>(items.size());
    JsonArray rejected = new JsonArray();
    for (int i = 0; i < items.size(); i++) {
      EventValidator.Result r = EventValidator.validate(i, items.get(i), intake.rules());
      if (r.event() != null) {
        valid.add(r.event());
        indexes.add(i);
      } else {
        rejected.add(r.rejection().toJson());
      }
    }
    metrics.dropped(DropReason.INVALID, items.size() - valid.size());
    if (valid.isEmpty()) {
      Errors.send(request.response(), 400, Errors.body("no_valid_events", "none of the events is valid; see rejected")
          .put("accepted", 0).put("rejected", rejected));
      return;
    }
    String client = client(request);
    int granted = rateLimiter.take(client, valid.size());
    if (granted == 0) {
      metrics.dropped(DropReason.RATE_LIMITED, valid.size());
      long retryAfter = 60 - (clock.millis() / 1000) % 60;
      request.response().putHeader("Retry-After", Long.toString(retryAfter));
      reject(request, 429, "rate_limited", "too many events from this client; try again in " + retryAfter + " s");
      return;
    }
    Intake.Sender sender = intake.sender(client, request.getHeader("User-Agent"));
    int accepted = 0;
    int overloaded = 0;
    for (int k = 0; k < valid.size(); k++) {
      int index = indexes.get(k);
      if (k >= granted) {
        metrics.dropped(DropReason.RATE_LIMITED, 1);
        rejected.add(new Rejection(index, "rate_limited", "too many events from this client this minute").toJson());
      } else if (intake.accept(valid.get(k), sender) == Intake.Outcome.TAKEN) {
        accepted++;
      } else {
        overloaded++;
        rejected.add(new Rejection(index, "overload", "the service is full; send again shortly").toJson());
      }
    }
    if (accepted == 0 && overloaded > 0) {
      request.response().putHeader("Retry-After", "1");
      reject(request, 503, "overload", "the service cannot take more events right now; send again shortly");
      return;
    }
    request.response().setStatusCode(202)
        .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE)
        .end(rejected.isEmpty() ? ALL_ACCEPTED[accepted]
            : new JsonObject().put("accepted", accepted).put("rejected", rejected).toBuffer());
  }

  String client(RoutingContext ctx) {
    return client(ctx.request());
  }

  String client(HttpServerRequest request) {
    SocketAddress peer = request.remoteAddress();
    return clientAddress.resolve(peer == null ? "" : peer.hostAddress(), request.headers().getAll(X_FORWARDED_FOR));
  }

  /**
   * The body as Vert.x's JSON values, parsed from its bytes: {@code Json.decodeValue(Buffer)} reads through
   * an InputStream with encoding detection, a few per cent of the ingest path for a 100-byte body.
   */
  private static Object decode(Buffer body) throws IOException {
    try (JsonParser parser = JSON_FACTORY.createParser(body.getBytes())) {
      return JacksonCodec.fromParser(parser, Object.class);
    }
  }

  private static List<Object> items(Object parsed) {
    if (parsed instanceof JsonArray array) {
      return array.getList().stream().map(EventsHandler::wrap).toList();
    }
    if (parsed instanceof JsonObject object) {
      if (object.containsKey("events")) {
        return object.getValue("events") instanceof JsonArray array
            ? array.getList().stream().map(EventsHandler::wrap).toList() : null;
      }
      return List.of(object);
    }
    return null;
  }

  /** JsonArray.getList() holds Maps for nested objects; the validator wants JsonObjects. */
  @SuppressWarnings("unchecked")
  private static Object wrap(Object item) {
    return item instanceof java.util.Map<?, ?> map ? new JsonObject((java.util.Map<String, Object>) map) : item;
  }

  private void reject(HttpServerRequest request, int status, String code, String message) {
    Errors.send(request.response(), status, code, message);
  }
}
