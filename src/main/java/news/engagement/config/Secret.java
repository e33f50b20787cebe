package news.engagement.config;

import java.util.Arrays;

/** Key material from the environment; never printed, so a logged Config cannot leak it. */
public final class Secret {
  private final byte[] bytes;

  Secret(byte[] bytes) {
    this.bytes = bytes.clone();
  }

  /** A copy: callers may wipe or keep it without touching ours. */
  public byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public String toString() {
    return "Secret[" + bytes.length + " bytes]";
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Secret s && Arrays.equals(bytes, s.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }
}
