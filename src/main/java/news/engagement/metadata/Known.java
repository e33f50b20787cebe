package news.engagement.metadata;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import news.engagement.query.Label;

/**
 * What the service holds of one article: the crawl's fields and when they were read, the newsroom's and
 * when they were set (0: never), and the version of the last write (Redis's clock, growing per write).
 * An editor's value wins over a crawled one, field by field.
 */
record Known(Fields crawl, long crawledAt, Fields editor, long editedAt, long version) {
  static final Known NOTHING = new Known(Fields.NONE, 0, Fields.NONE, 0, 0);

  Fields merged() {
    return editor.over(crawl);
  }

  boolean isEmpty() {
    return crawl.isEmpty() && editor.isEmpty();
  }

  /** What lists show, or null when nothing is known. */
  Label label() {
    Fields m = merged();
    return m.title() == null && m.url() == null && m.section() == null ? null : new Label(m.title(), m.url(), m.section());
  }

  /** From the Redis hash ({@code crawl}, {@code editor}: JSON with {@code at}; {@code v}); fields that cannot be read count as absent. */
  static Known fromHash(Map<String, String> hash) {
    if (hash == null || hash.isEmpty()) {
      return NOTHING;
    }
    JsonObject crawl = json(hash.get(MetadataStore.CRAWL));
    JsonObject editor = json(hash.get(MetadataStore.EDITOR));
    long version = 0;
    try {
      version = hash.get("v") == null ? 0 : Long.parseLong(hash.get("v"));
    } catch (NumberFormatException e) {
      // a version that cannot be read: the next write sets one
    }
    return new Known(fields(crawl), at(crawl), fields(editor), at(editor), version);
  }

  private static JsonObject json(String text) {
    if (text == null) {
      return null;
    }
    try {
      return new JsonObject(text);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static Fields fields(JsonObject json) {
    try {
      return json == null ? Fields.NONE : Fields.fromStored(json);
    } catch (RuntimeException e) {
      return Fields.NONE;
    }
  }

  private static long at(JsonObject json) {
    Object at = json == null ? null : json.getValue("at");
    return at instanceof Number n ? n.longValue() : 0;
  }

  /** The editor's answer: the merged values, and per field where it came from and when. */
  JsonObject toJson(String article) {
    Fields merged = merged();
    JsonObject sources = new JsonObject();
    for (String name : Fields.NAMES) {
      if (editor.has(name)) {
        sources.put(name, new JsonObject().put("from", "editor").put("at", Instant.ofEpochMilli(editedAt).toString()));
      } else if (crawl.has(name)) {
        sources.put(name, new JsonObject().put("from", "crawl").put("at", Instant.ofEpochMilli(crawledAt).toString()));
      }
    }
    JsonObject json = new JsonObject().put("article", article).mergeIn(merged.toJson()).put("sources", sources);
    if (crawledAt > 0) {
      json.put("crawled", Instant.ofEpochMilli(crawledAt).toString());
    }
    if (editedAt > 0) {
      json.put("edited", Instant.ofEpochMilli(editedAt).toString());
    }
    return json;
  }
}
