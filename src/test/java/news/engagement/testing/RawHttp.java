package news.engagement.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Sends bytes exactly as given over a fresh socket and reads the answer until the server closes: for
 * requests no HTTP client library would send (broken escapes, raw non-UTF-8 bytes, bad syntax).
 */
public final class RawHttp {
  private RawHttp() {
  }

  /** An answer: status, the lower-cased header block and the body as text. */
  public record Answer(int status, String headers, String body) {
    public String header(String name) {
      for (String line : headers.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equals(name.toLowerCase(Locale.ROOT))) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }
  }

  /** {@code request} should carry {@code Connection: close}, so the answer ends with the connection. */
  public static Answer send(int port, byte[] request) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(15_000);
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      return parse(readAll(socket.getInputStream()));
    }
  }

  public static byte[] bytes(String latin1) {
    return latin1.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    int n;
    while ((n = in.read(chunk)) >= 0) {
      out.write(chunk, 0, n);
    }
    return out.toByteArray();
  }

  private static Answer parse(byte[] raw) {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/") || end < 0) {
      return new Answer(-1, "", text);
    }
    String head = text.substring(0, end);
    int status = Integer.parseInt(head.substring(9, 12));
    String headers = head.substring(head.indexOf("\r\n") + 2).toLowerCase(Locale.ROOT);
    String body = new String(raw, end + 4, raw.length - end - 4, StandardCharsets.UTF_8);
    return new Answer(status, headers, body);
  }
}
