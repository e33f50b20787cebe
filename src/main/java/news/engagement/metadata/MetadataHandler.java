package news.engagement.metadata;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import news.engagement.ingest.EventValidator;
import news.engagement.web.Errors;

/**
 * {@code GET|PUT /v1/editor/articles/{id}/metadata} (behind the editor guard): what is known of an article
 * and where each field came from; the newsroom's own values, which win over the crawl's field by field.
 * A PUT replaces the newsroom's values as a whole: a field it leaves out (or sets to null) shows the
 * crawl's value again.
 */
final class MetadataHandler {
  static final String PATH = "/v1/editor/articles/(?<id>.+)/metadata";
  static final int MAX_BODY = 16 * 1024;
  private static final Set<String> FIELDS = Set.copyOf(Fields.NAMES);

  private final MetadataStore store;
  private final ArticleCache cache;
  private final ArticlesTable table;
  private final Clock clock;

  MetadataHandler(MetadataStore store, ArticleCache cache, ArticlesTable table, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.cache = Objects.requireNonNull(cache, "cache");
    this.table = Objects.requireNonNull(table, "table");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  void mount(Router router) {
    router.getWithRegex(PATH).handler(this::get);
    router.putWithRegex(PATH).handler(BodyHandler.create(false).setBodyLimit(MAX_BODY)).handler(this::put);
  }

  private String article(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!EventValidator.validArticle(id)) {
      Errors.send(ctx, 400, "invalid_article",
          "article must be 1 to 128 characters of A-Z a-z 0-9 . _ : / -, starting with a letter or digit");
      return null;
    }
    return id;
  }

  private void get(RoutingContext ctx) {
    String article = article(ctx);
    if (article == null) {
      return;
    }
    store.read(article, ctx.vertx().getOrCreateContext())
        .onSuccess(known -> send(ctx, 200, known.toJson(article)))
        .onFailure(err -> unavailable(ctx));
  }

  private void put(RoutingContext ctx) {
    String article = article(ctx);
    if (article == null) {
      return;
    }
    Fields fields;
    try {
      fields = parse(ctx.body().buffer() == null ? "" : ctx.body().asString());
    } catch (Invalid invalid) {
      Errors.send(ctx, 400, invalid.code, invalid.getMessage());
      return;
    }
    store.writeEditor(article, fields, clock.millis(), ctx.vertx().getOrCreateContext())
        .onSuccess(known -> {
          cache.put(article, known, clock.millis() + Crawler.RECHECK.toMillis(), 0);
          table.offer(article, known);
          send(ctx, 200, known.toJson(article));
        })
        .onFailure(err -> unavailable(ctx));
  }

  /** The newsroom's fields from a PUT body; an editor's text that is too long is refused, not cut. */
  static Fields parse(String body) {
    JsonObject json;
    try {
      json = new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      throw new Invalid("invalid_json", "the body must be a JSON object such as {\"title\": \"...\", \"section\": \"...\"}");
    }
    for (String name : json.fieldNames()) {
      if (!FIELDS.contains(name)) {
        throw new Invalid("unknown_field", "unknown field '" + shorten(name) + "': the fields are " + Fields.NAMES);
      }
    }
    String title = text(json, "title", Fields.MAX_TITLE);
    String section = text(json, "section", Fields.MAX_SECTION);
    String url = link(json, "url");
    String image = link(json, "image");
    List<String> authors = authors(json);
    Instant published = null;
    Object rawPublished = json.getValue("published");
    if (rawPublished != null) {
      published = rawPublished instanceof String s ? PageReader.time(s) : null;
      if (published == null) {
        throw new Invalid("invalid_published", "published must be an ISO 8601 time such as 2026-02-07T09:30:00Z");
      }
    }
    return new Fields(title, url, section, authors, published, image);
  }

  private static String text(JsonObject json, String name, int max) {
    Object raw = json.getValue(name);
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof String s)) {
      throw new Invalid("invalid_" + name, name + " must be a string");
    }
    if (s.length() > max) {
      throw new Invalid("invalid_" + name, name + " may have at most " + max + " characters, not " + s.length());
    }
    String clean = Fields.clean(s, max);
    if (clean == null) {
      throw new Invalid("invalid_" + name, name + " must not be blank (leave it out to show the crawled one)");
    }
    return clean;
  }

  private static String link(JsonObject json, String name) {
    Object raw = json.getValue(name);
    if (raw == null) {
      return null;
    }
    String url = raw instanceof String s ? Fields.httpUrl(s) : null;
    if (url == null) {
      throw new Invalid("invalid_" + name, name + " must be an absolute http or https URL of at most "
          + Fields.MAX_URL + " characters");
    }
    return url;
  }

  private static List<String> authors(JsonObject json) {
    Object raw = json.getValue("authors");
    if (raw == null) {
      return List.of();
    }
    if (!(raw instanceof JsonArray array) || array.size() > Fields.MAX_AUTHORS) {
      throw new Invalid("invalid_authors", "authors must be a list of at most " + Fields.MAX_AUTHORS + " names");
    }
    List<String> authors = new ArrayList<>();
    for (Object item : array) {
      String name = item instanceof String s && s.length() <= Fields.MAX_AUTHOR ? Fields.clean(s, Fields.MAX_AUTHOR) : null;
      if (name == null) {
        throw new Invalid("invalid_authors", "each author must be a name of 1 to " + Fields.MAX_AUTHOR + " characters");
      }
      authors.add(name);
    }
    return authors;
  }

  private static void send(RoutingContext ctx, int status, JsonObject body) {
    Errors.send(ctx, status, body);
  }

  private static void unavailable(RoutingContext ctx) {
    ctx.response().putHeader("Retry-After", "1");
    Errors.send(ctx, 503, "store_unavailable", "article metadata cannot be read or written right now");
  }

  private static String shorten(String text) {
    return text.length() > 40 ? text.substring(0, 40) + "..." : text;
  }

  static final class Invalid extends RuntimeException {
    final String code;

    Invalid(String code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }
}
