package news.engagement.metadata;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What is known of an article from one origin (its page, or the newsroom): every field may be null
 * (authors empty). Texts are untrusted: cleaned of control characters, whitespace collapsed and cut to
 * their caps by {@link #clean}; URLs are absolute http(s) only. Rendered as text everywhere, never HTML.
 */
public record Fields(String title, String url, String section, List<String> authors, Instant published,
    String image) {
  static final int MAX_TITLE = 300;
  static final int MAX_SECTION = 64;
  static final int MAX_AUTHOR = 100;
  static final int MAX_AUTHORS = 10;
  static final int MAX_URL = 2048;
  static final Fields NONE = new Fields(null, null, null, List.of(), null, null);
  /** The JSON names, in the order answers list them. */
  static final List<String> NAMES = List.of("title", "url", "section", "authors", "published", "image");

  public Fields {
    authors = authors == null ? List.of() : List.copyOf(authors);
  }

  boolean isEmpty() {
    return title == null && url == null && section == null && authors.isEmpty() && published == null && image == null;
  }

  /** Each field of {@code this}, else of {@code fallback}. */
  Fields over(Fields fallback) {
    return new Fields(title != null ? title : fallback.title, url != null ? url : fallback.url,
        section != null ? section : fallback.section, !authors.isEmpty() ? authors : fallback.authors,
        published != null ? published : fallback.published, image != null ? image : fallback.image);
  }

  boolean has(String name) {
    return switch (name) {
      case "title" -> title != null;
      case "url" -> url != null;
      case "section" -> section != null;
      case "authors" -> !authors.isEmpty();
      case "published" -> published != null;
      case "image" -> image != null;
      default -> false;
    };
  }

  /** The section as indexed and asked for ({@code ?section=}): lower case. */
  static String sectionKey(String section) {
    return section == null ? null : section.toLowerCase(Locale.ROOT);
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject();
    putIf(json, "title", title);
    putIf(json, "url", url);
    putIf(json, "section", section);
    if (!authors.isEmpty()) {
      json.put("authors", new JsonArray(authors));
    }
    putIf(json, "published", published == null ? null : published.toString());
    putIf(json, "image", image);
    return json;
  }

  /** From JSON this service wrote (Redis); values are cleaned again, so a hand-edited hash cannot escape the caps. */
  static Fields fromStored(JsonObject json) {
    List<String> authors = new ArrayList<>();
    JsonArray array = json.getJsonArray("authors");
    if (array != null) {
      array.forEach(a -> {
        if (a instanceof String s && clean(s, MAX_AUTHOR) != null && authors.size() < MAX_AUTHORS) {
          authors.add(clean(s, MAX_AUTHOR));
        }
      });
    }
    String published = json.getString("published");
    return new Fields(clean(json.getString("title"), MAX_TITLE), httpUrl(json.getString("url")),
        clean(json.getString("section"), MAX_SECTION), authors, published == null ? null : Instant.parse(published),
        httpUrl(json.getString("image")));
  }

  private static void putIf(JsonObject json, String name, String value) {
    if (value != null) {
      json.put(name, value);
    }
  }

  /**
   * Untrusted text made fit to keep: control and format characters dropped, whitespace runs made one
   * space, trimmed, cut to {@code max} characters (not inside a surrogate pair); null when nothing is left.
   */
  static String clean(String text, int max) {
    if (text == null) {
      return null;
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), max));
    boolean space = false;
    for (int i = 0; i < text.length() && out.length() < max; i++) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
        space = out.length() > 0;
        continue;
      }
      int type = Character.getType(c);
      if (type == Character.CONTROL || type == Character.FORMAT || type == Character.UNASSIGNED
          || type == Character.PRIVATE_USE) {
        continue;
      }
      if (space) {
        out.append(' ');
        space = false;
        if (out.length() >= max) {
          break;
        }
      }
      out.append(c);
    }
    if (out.length() > 0 && Character.isHighSurrogate(out.charAt(out.length() - 1))) {
      out.setLength(out.length() - 1);
    }
    return out.length() == 0 ? null : out.toString();
  }

  /** An absolute http(s) URL of at most {@link #MAX_URL} characters, else null (no javascript:, data:, relative). */
  static String httpUrl(String text) {
    if (text == null || text.isEmpty() || text.length() > MAX_URL) {
      return null;
    }
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getRawUserInfo() != null) {
        return null;
      }
      return uri.toASCIIString();
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }
}
