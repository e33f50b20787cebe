package news.engagement.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through /usr/bin/chromedriver, one fresh profile per instance (so a
 * new Browser is a new visitor: empty localStorage, new vid). Nothing is downloaded: both paths are set.
 * The user agent is a normal desktop Chrome one, because the service drops "HeadlessChrome" as a bot.
 */
public final class Browser implements AutoCloseable {
  public static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final String CHROMIUM = "/usr/bin/chromium";
  private static final String CHROMEDRIVER = "/usr/bin/chromedriver";

  public final ChromeDriver driver;
  private final Path profile;

  public Browser() {
    try {
      profile = Files.createTempDirectory("engagement-chrome-profile");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
        "--disable-quic", "--window-size=1280,1700", "--user-agent=" + RunningService.BROWSER_UA,
        "--user-data-dir=" + profile.toAbsolutePath());
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(Path.of(CHROMEDRIVER).toFile())
        .usingAnyFreePort()
        .build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(15));
  }

  public void open(String url) {
    driver.get(url);
  }

  /** Waits up to 10 s for the condition to hold (non-null, non-false), else fails with the description. */
  public <T> T await(String what, Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, Duration.ofSeconds(10), Duration.ofMillis(100))
        .withMessage(what)
        .until(condition);
  }

  /**
   * Makes the page a phone's (or any) screen: CSS width and height as given, with the meta viewport
   * honoured as a mobile browser does. Applies to this page and the ones opened after.
   */
  public void viewport(int width, int height, boolean mobile) {
    driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", java.util.Map.of(
        "width", width, "height", height, "deviceScaleFactor", 1, "mobile", mobile));
  }

  /** How far the page is wider than its viewport, in CSS pixels: 0 when nothing scrolls sideways. */
  public long horizontalOverflow() {
    return (Long) driver.executeScript("var d = document.documentElement;"
        + "return Math.max(0, d.scrollWidth - Math.min(window.innerWidth, d.clientWidth));");
  }

  public Object js(String script, Object... args) {
    return driver.executeScript(script, args);
  }

  /** Writes a PNG of the current page to target/screenshots/{name}.png and returns its path. */
  public Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      driver.executeScript("window.scrollTo(0, 0)");
      Path png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
      Path target = SCREENSHOTS.resolve(name + ".png");
      Files.move(png, target, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      deleteTree(profile);
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A leftover temp profile is harmless.
    }
  }
}
