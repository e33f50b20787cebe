package news.engagement.history;

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
import java.util.Objects;

/** A Lua script of this package, run by digest and sent in full only when Redis does not know it yet. */
record RedisScript(String text, String sha) {

  static RedisScript load(String resource) {
    try (InputStream in = RedisScript.class.getResourceAsStream("/news/engagement/history/" + resource)) {
      String text = new String(Objects.requireNonNull(in, resource).readAllBytes(), StandardCharsets.UTF_8);
      return new RedisScript(text, sha1(text));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Future<Long> run(RedisAsyncCommands<String, String> redis, Context context, String[] keys, String... args) {
    return Future.<Long>fromCompletionStage(redis.evalsha(sha, ScriptOutputType.INTEGER, keys, args), context)
        .recover(err -> err instanceof RedisNoScriptException
            // Redis restarted or flushed its script cache: EVAL sends the text and caches it again.
            ? Future.fromCompletionStage(redis.eval(text, ScriptOutputType.INTEGER, keys, args), context)
            : Future.failedFuture(err));
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
