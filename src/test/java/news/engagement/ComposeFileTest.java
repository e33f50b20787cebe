package news.engagement;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import news.engagement.config.Config;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml as Debian's docker-compose reads it (no Docker engine needed for {@code config}):
 * it refuses to start without the secrets that have no safe default, every image is pinned, and the
 * service's environment there is a valid configuration with the code's own defaults.
 */
class ComposeFileTest {
  private static final Path COMPOSE = Path.of("docker-compose.yml");
  private static final String TOKEN = "compose-test-editor-token";
  private static final String SECRET = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
  /** name:tag, where the name may hold a registry host with a port and slashes. */
  private static final Pattern IMAGE = Pattern.compile("^(?<name>[a-z0-9][a-z0-9._/:-]*?):(?<tag>[A-Za-z0-9_][A-Za-z0-9._-]*)$");

  @Test
  void refusesToStartWithoutAnEditorToken() throws Exception {
    Result result = compose(Map.of("VISITOR_SECRET", SECRET), "config", "-q");

    assertThat(result.exit).as(result.output).isNotZero();
    assertThat(result.output).contains("set EDITOR_TOKEN");
  }

  @Test
  void refusesToStartWithoutAVisitorSecret() throws Exception {
    Result result = compose(Map.of("EDITOR_TOKEN", TOKEN), "config", "-q");

    assertThat(result.exit).as(result.output).isNotZero();
    assertThat(result.output).contains("set VISITOR_SECRET");
  }

  @Test
  void isValidWithBoth() throws Exception {
    Result result = compose(Map.of("EDITOR_TOKEN", TOKEN, "VISITOR_SECRET", SECRET), "config", "-q");

    assertThat(result.exit).as(result.output).isZero();
  }

  @Test
  void everyImageAndPluginIsPinnedToAVersion() throws Exception {
    Map<String, Map<String, Object>> services = services(Files.readString(COMPOSE));
    assertThat(services).containsKeys("engagement", "redis", "clickhouse", "prometheus", "grafana");
    services.forEach((name, service) -> {
      String image = (String) service.get("image");
      assertThat(image).as("image of " + name).isNotNull();
      Matcher m = IMAGE.matcher(image);
      assertThat(m.matches()).as(name + ": " + image + " has a tag").isTrue();
      assertThat(m.group("tag")).as(name + ": " + image).isNotEqualTo("latest");
    });
    Map<?, ?> grafana = (Map<?, ?>) services.get("grafana").get("environment");
    for (String plugin : ((String) grafana.get("GF_INSTALL_PLUGINS")).split(",")) {
      assertThat(plugin.trim()).as("a Grafana plugin with its version").matches("[a-z0-9-]+ \\d+\\.\\d+\\.\\d+");
    }
  }

  /** The environment compose gives the service, read as the service reads it, has the code's defaults. */
  @Test
  void theServicesEnvironmentIsAValidConfigWithTheCodesRateLimit() throws Exception {
    Result result = compose(Map.of("EDITOR_TOKEN", TOKEN, "VISITOR_SECRET", SECRET), "config");
    assertThat(result.exit).as(result.output).isZero();
    Map<?, ?> environment = (Map<?, ?>) services(result.output).get("engagement").get("environment");
    Map<String, String> vars = new HashMap<>();
    environment.forEach((k, v) -> vars.put(k.toString(), v == null ? null : v.toString()));

    Config composed = Config.from(vars::get);
    Config defaults = Config.from(Map.of("VISITOR_SECRET", SECRET)::get);

    assertThat(composed.rateLimitPerMinute()).isEqualTo(defaults.rateLimitPerMinute()).isEqualTo(3000);
    assertThat(composed.editorToken()).contains(TOKEN);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> services(String yaml) {
    Map<String, Object> file = new Yaml().load(yaml);
    return (Map<String, Map<String, Object>>) file.get("services");
  }

  private record Result(int exit, String output) {
  }

  /** Debian's docker-compose on this folder's file, with only the given variables and no .env file. */
  private static Result compose(Map<String, String> vars, String... args) throws IOException, InterruptedException {
    Path noEnvFile = Files.createTempFile("compose-test", ".env");
    try {
      List<String> command = new java.util.ArrayList<>(List.of("docker-compose", "--env-file", noEnvFile.toString(),
          "-f", COMPOSE.toString()));
      command.addAll(List.of(args));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      Map<String, String> env = builder.environment();
      String path = env.get("PATH");
      env.clear();
      env.put("PATH", path);
      env.putAll(vars);
      Process process = builder.start();
      String output = new String(process.getInputStream().readAllBytes());
      return new Result(process.waitFor(), output);
    } finally {
      Files.deleteIfExists(noEnvFile);
    }
  }
}
