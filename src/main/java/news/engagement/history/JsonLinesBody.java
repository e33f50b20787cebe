package news.engagement.history;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * One INSERT body of JSONEachRow lines, streamed: rows of {@code items} from {@code from} on, at most
 * {@code maxRows} rows and {@code maxBytes} bytes (at least one row, whatever its size), encoded in pieces
 * of about {@link #PIECE_BYTES} on a worker thread, one piece at a time and only when the HTTP request
 * asks for more (its write queue drained). So the encoded bytes held at once are one piece plus what the
 * connection buffers, never the whole body; the body's size on the wire is bounded by the limits.
 * {@link #end()} tells where the body stopped, for the next one to start there.
 *
 * <p>Not thread-safe: every method runs on {@code context}; a piece is encoded on a worker while no
 * other piece is, and handed over on {@code context}.
 */
final class JsonLinesBody<T> implements ReadStream<Buffer> {
  /** The encoded bytes of one piece (one write to the connection), a little more by the last row. */
  static final int PIECE_BYTES = 64 * 1024;

  private final Context context;
  private final List<T> items;
  private final BiConsumer<T, StringBuilder> encoder;
  private final int maxRows;
  private final long maxBytes;
  private final int from;
  private int next;
  private long bytes;
  private boolean full;
  private boolean producing;
  private boolean finished;
  private long demand = Long.MAX_VALUE;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;

  JsonLinesBody(Context context, List<T> items, int from, int maxRows, long maxBytes,
      BiConsumer<T, StringBuilder> encoder) {
    if (from < 0 || from >= items.size() || maxRows < 1 || maxBytes < 1) {
      throw new IllegalArgumentException("no rows to send: from " + from + " of " + items.size());
    }
    this.context = Objects.requireNonNull(context, "context");
    this.items = items;
    this.from = from;
    this.next = from;
    this.maxRows = maxRows;
    this.maxBytes = maxBytes;
    this.encoder = Objects.requireNonNull(encoder, "encoder");
  }

  /** The index after the body's last row; final once the stream has ended. */
  int end() {
    return next;
  }

  /** The rows the body holds so far (all of them once ended). */
  int rows() {
    return next - from;
  }

  /** The bytes of the body so far (all of them once ended). */
  long bytes() {
    return bytes;
  }

  @Override
  public JsonLinesBody<T> exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  @Override
  public JsonLinesBody<T> handler(Handler<Buffer> handler) {
    this.handler = handler;
    produce();
    return this;
  }

  @Override
  public JsonLinesBody<T> pause() {
    demand = 0;
    return this;
  }

  @Override
  public JsonLinesBody<T> resume() {
    demand = Long.MAX_VALUE;
    produce();
    return this;
  }

  @Override
  public JsonLinesBody<T> fetch(long amount) {
    demand = demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
    produce();
    return this;
  }

  @Override
  public JsonLinesBody<T> endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    return this;
  }

  private void produce() {
    if (producing || finished || handler == null || demand == 0) {
      return;
    }
    producing = true;
    context.executeBlocking(this::piece).onComplete(ar -> {
      producing = false;
      if (ar.failed()) {
        finished = true;
        if (exceptionHandler != null) {
          exceptionHandler.handle(ar.cause());
        }
        return;
      }
      Buffer piece = ar.result();
      Handler<Buffer> to = handler;
      if (to == null) {
        return; // the request let go of the stream (it failed): nothing more to send
      }
      if (piece != null) {
        if (demand != Long.MAX_VALUE) {
          demand--;
        }
        to.handle(piece);
      }
      if (atEnd()) {
        finished = true;
        if (endHandler != null) {
          endHandler.handle(null);
        }
      } else {
        produce();
      }
    });
  }

  private boolean atEnd() {
    return full || next >= items.size() || next - from >= maxRows || bytes >= maxBytes;
  }

  /** Encodes the next piece (on a worker); null when the body is complete. */
  private Buffer piece() {
    StringBuilder out = new StringBuilder(PIECE_BYTES + 1024);
    long pieceBytes = 0;
    while (pieceBytes < PIECE_BYTES && !full && next < items.size() && next - from < maxRows) {
      int mark = out.length();
      encoder.accept(items.get(next), out);
      long row = utf8Length(out, mark);
      if (next > from && bytes + pieceBytes + row > maxBytes) {
        out.setLength(mark); // the next body's first row
        full = true;
        break;
      }
      pieceBytes += row;
      next++;
    }
    bytes += pieceBytes;
    return out.length() == 0 ? null : Buffer.buffer(out.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** UTF-8 bytes of {@code text} from {@code start} on (the body is sent as UTF-8). */
  static long utf8Length(CharSequence text, int start) {
    long n = 0;
    for (int i = start; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }
}
