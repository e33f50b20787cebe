package news.engagement.counting;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** The text of {@code apply-batch.lua}, read once from the jar. */
final class BatchScript {
  static final String TEXT = load();

  private BatchScript() {
  }

  private static String load() {
    try (InputStream in = BatchScript.class.getResourceAsStream("/news/engagement/counting/apply-batch.lua")) {
      return new String(Objects.requireNonNull(in, "apply-batch.lua").readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
