package news.engagement;

import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import news.engagement.ingest.Attention;
import news.engagement.ingest.Attribution;

/**
 * A feature with a room of its own (e.g. {@code presence/}) that {@link Service} wires with one line:
 * started once the stores are connected, its routes mounted after the editor guard, fed by the intake,
 * stopped after the counting batcher has drained. Deleting the room and its line leaves a working counter.
 */
public interface Room {
  Future<Void> start();

  default void mount(Router router) {
  }

  /** What the intake tells the room about pings and views. */
  default Attention attention() {
    return Attention.NONE;
  }

  /** How the intake labels a person's view with its traffic source (one room offers it). */
  default Attribution attribution() {
    return Attribution.NONE;
  }

  /** Writes what it holds and lets go; never fails. */
  Future<Void> stop();
}
