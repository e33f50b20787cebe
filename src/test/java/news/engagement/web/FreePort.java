package news.engagement.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;

/**
 * A concrete free port for HTTP_PORT. With HTTP_PORT=0 the service's extra HTTP instances (one per core)
 * try to bind the first instance's random port and fail with "Address already in use" on Vert.x 5;
 * with a concrete port they share it as intended.
 */
final class FreePort {
  private FreePort() {
  }

  static Map<String, String> httpPortEnv() {
    return Map.of("HTTP_PORT", String.valueOf(pick()));
  }

  static int pick() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
