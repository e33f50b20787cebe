package news.engagement.query;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * What a list shows of an article beside its id: its title, address and section, each null when
 * unknown (metadata, see docs/metadata.md). Untrusted text: answers carry it as JSON strings, pages
 * set it as text.
 */
public record Label(String title, String url, String section) {
  /** The section as {@code ?section=} names it: lower case. */
  public String sectionKey() {
    return section == null ? null : section.toLowerCase(Locale.ROOT);
  }

  void addTo(JsonObject json) {
    if (title != null) {
      json.put("title", title);
    }
    if (url != null) {
      json.put("url", url);
    }
    if (section != null) {
      json.put("section", section);
    }
  }
}
