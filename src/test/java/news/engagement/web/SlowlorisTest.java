package news.engagement.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import news.engagement.testing.RunningService;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Slowloris: sockets that send their request a byte per second are closed within the header deadline
 * (the idle timeout alone would keep them forever), while normal requests are served meanwhile.
 */
class SlowlorisTest {
  private static final int SOCKETS = 50;
  private static final byte[] REQUEST = ("GET /v1/articles/slow HTTP/1.1\r\nHost: x\r\nUser-Agent: "
      + RunningService.BROWSER_UA + "\r\nX-Padding: " + "p".repeat(200) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

  @Test
  void socketsTricklingHeadersAreClosedWithinTheDeadline() throws Exception {
    try (RunningService service = RunningService.start(11, Clock.systemUTC(),
        Map.of("CLICKHOUSE_DATABASE", "abuse_slowloris"))) {
      List<Socket> sockets = new ArrayList<>();
      try {
        for (int i = 0; i < SOCKETS; i++) {
          Socket socket = new Socket();
          socket.connect(new InetSocketAddress("127.0.0.1", service.port()), 5_000);
          socket.setSoTimeout(10);
          sockets.add(socket);
        }
        long started = System.nanoTime();
        // Generous: the deadline, plus a trickle step, plus slack for a loaded machine.
        long limit = started + HttpVerticle.HEADER_DEADLINE.plusSeconds(5).toNanos();
        int sentBytes = 0;
        while (sockets.stream().anyMatch(s -> !s.isClosed()) && System.nanoTime() < limit) {
          for (Socket socket : sockets) {
            if (!socket.isClosed()) {
              trickle(socket, sentBytes);
            }
          }
          sentBytes++;
          assertThat(service.get("/v1/articles/meanwhile").statusCode()).as("served meanwhile").isEqualTo(200);
          Thread.sleep(1_000);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        LoggerFactory.getLogger(SlowlorisTest.class).info("{} trickling sockets all closed by the server after {} ({} bytes each)",
            SOCKETS, took, sentBytes);
        assertThat(sockets).as("closed by the server after %s, %d bytes each", took, sentBytes)
            .allMatch(Socket::isClosed);
        assertThat(sentBytes).as("the trickle never completed the headers").isLessThan(REQUEST.length);
        assertThat(took).isGreaterThanOrEqualTo(HttpVerticle.HEADER_DEADLINE.minusSeconds(1));
      } finally {
        for (Socket socket : sockets) {
          socket.close();
        }
      }
    }
  }

  /** Sends the next byte; closes our end when the server has closed its own (read returns -1 or fails). */
  private static void trickle(Socket socket, int index) throws IOException {
    try {
      OutputStream out = socket.getOutputStream();
      out.write(REQUEST[index]);
      out.flush();
      if (socket.getInputStream().read() < 0) {
        socket.close();
      }
    } catch (SocketTimeoutException stillOpen) {
      // nothing to read yet: the server still holds the connection open
    } catch (IOException closedByServer) {
      socket.close();
    }
  }
}
