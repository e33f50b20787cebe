package news.engagement.redis;

import io.lettuce.core.codec.StringCodec;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;

/**
 * Lettuce's UTF-8 string codec, telling Lettuce each argument's exact encoded size. With
 * {@link StringCodec#UTF8} the size is only an estimate, so Lettuce encodes every argument into a
 * buffer of its own and copies it into the command: a batch script call has thousands of arguments,
 * and that allocate, copy and release per argument was most of the Lettuce thread's profile on the
 * long-tail bench. With the exact size ({@link ByteBufUtil#utf8Bytes}, which counts as
 * {@link ByteBufUtil#writeUtf8} writes) the argument is written straight into the command's buffer.
 */
public final class ExactUtf8Codec extends StringCodec {
  public static final ExactUtf8Codec INSTANCE = new ExactUtf8Codec();

  private ExactUtf8Codec() {
    super(StandardCharsets.UTF_8);
  }

  @Override
  public boolean isEstimateExact() {
    return true;
  }

  @Override
  public int estimateSize(Object value) {
    return value instanceof CharSequence text ? ByteBufUtil.utf8Bytes(text) : 0;
  }
}
