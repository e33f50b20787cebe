package news.engagement;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a newcomer reads first still tells them how to start. */
class ReadmeTest {
  /** About what a terminal or a repository page shows before any scrolling. */
  private static final int FIRST_SCREEN_LINES = 30;

  @Test
  void theFirstScreenHoldsTheTwoCommands() throws Exception {
    List<String> lines = Files.readAllLines(Path.of("README.md"));
    String firstScreen = String.join("\n", lines.subList(0, Math.min(FIRST_SCREEN_LINES, lines.size())));

    assertThat(firstScreen).contains("bash scripts/run.sh", "bash scripts/test.sh");
  }

  @Test
  void theComposeSectionSaysWhichSecretsItNeedsBeforeItsCommand() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    int up = readme.indexOf("docker compose up");

    assertThat(up).isPositive();
    String before = readme.substring(0, up);
    assertThat(before.lastIndexOf("export EDITOR_TOKEN")).isPositive();
    assertThat(before.lastIndexOf("VISITOR_SECRET")).isPositive();
  }
}
