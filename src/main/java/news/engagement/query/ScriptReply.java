package news.engagement.query;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A script's named result, {@code {'name', value, 'name', value, ...}}, read by name. */
final class ScriptReply {
  private final Map<String, Object> fields = new HashMap<>();

  private ScriptReply(List<Object> reply) {
    for (int i = 0; i + 1 < reply.size(); i += 2) {
      fields.put((String) reply.get(i), reply.get(i + 1));
    }
  }

  static ScriptReply of(List<Object> reply) {
    return new ScriptReply(reply);
  }

  long number(String name) {
    return (Long) required(name);
  }

  @SuppressWarnings("unchecked")
  List<Object> list(String name) {
    return (List<Object>) required(name);
  }

  private Object required(String name) {
    Object value = fields.get(name);
    if (value == null) {
      throw new IllegalStateException("script result has no '" + name + "': " + fields.keySet());
    }
    return value;
  }

  /** Sorted-set scores come back as strings of doubles; our sums are whole numbers far below 2^53. */
  static long score(Object raw) {
    return raw == null ? 0 : Math.round(Double.parseDouble((String) raw));
  }
}
