package news.engagement.query;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A read-side Lua script of this package: sent by its SHA-1 (EVALSHA), and as text only when Redis does
 * not know it yet (after a start, a restart or SCRIPT FLUSH), which caches it again.
 */
final class ReadScript {
  private final String text;
  private final String sha;

  private ReadScript(String text) {
    this.text = text;
    this.sha = sha1(text);
  }

  static ReadScript load(String name) {
    try (InputStream in = ReadScript.class.getResourceAsStream("/news/engagement/query/" + name)) {
      return new ReadScript(new String(Objects.requireNonNull(in, name).readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Future<List<Object>> run(RedisAsyncCommands<String, String> redis, List<String> keys, List<String> args,
      Context context) {
    String[] k = keys.toArray(String[]::new);
    String[] a = args.toArray(String[]::new);
    return Future.<List<Object>>fromCompletionStage(redis.evalsha(sha, ScriptOutputType.MULTI, k, a), context)
        .recover(err -> err instanceof RedisNoScriptException
            ? Future.fromCompletionStage(redis.<List<Object>>eval(text, ScriptOutputType.MULTI, k, a), context)
            : Future.failedFuture(err));
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is part of every JVM", e);
    }
  }
}
