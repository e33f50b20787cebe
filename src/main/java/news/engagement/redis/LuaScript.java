package news.engagement.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
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

/**
 * A Lua script shipped in the jar: sent by its SHA-1 (EVALSHA), and as text only when Redis does not
 * know it yet (after a start, a restart or SCRIPT FLUSH), which caches it again.
 */
public final class LuaScript {
  private final String text;
  private final String sha;

  private LuaScript(String text) {
    this.text = text;
    this.sha = sha1(text);
  }

  /** Reads a script from the class path, e.g. {@code /news/engagement/counting/apply-batch.lua}. */
  public static LuaScript load(String resource) {
    try (InputStream in = LuaScript.class.getResourceAsStream(resource)) {
      return new LuaScript(new String(Objects.requireNonNull(in, resource).readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String text() {
    return text;
  }

  /** Runs the script; any connection with scripting fits (a single server's or a cluster's). */
  public <T> Future<T> run(RedisScriptingAsyncCommands<String, String> redis, ScriptOutputType type, String[] keys,
      String[] args, Context context) {
    return Future.<T>fromCompletionStage(redis.evalsha(sha, type, keys, args), context)
        .recover(err -> err instanceof RedisNoScriptException
            ? Future.fromCompletionStage(redis.<T>eval(text, type, keys, args), context)
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
