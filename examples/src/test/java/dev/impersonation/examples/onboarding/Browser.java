package dev.impersonation.examples.onboarding;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium through chromedriver (Debian's {@code chromium} and {@code chromium-driver}, installed by
 * {@code .ci/setup-browser}), for tests that use the onboarding app as a person would. Without Chromium the test is skipped
 * with the command that installs it, unless {@code -Dbrowser.required=true} or the environment variable
 * {@code IMPERSONATION_BROWSER_REQUIRED=true} ({@code .ci/run}) makes that a failure.
 * Screenshots go to {@code examples/target/screenshots/<test>/}.
 */
final class Browser implements AutoCloseable {
  private static final Path CHROMIUM = Path.of(System.getProperty("browser.chromium", "/usr/bin/chromium"));
  private static final Path CHROMEDRIVER = Path.of(System.getProperty("browser.chromedriver", "/usr/bin/chromedriver"));

  private final WebDriver driver;
  private final Path shots;
  private final Path profile;
  private int shot;
  private final List<String> seen = new ArrayList<>();

  private Browser(String testName) throws IOException {
    this.shots = Path.of("target", "screenshots", testName);
    Files.createDirectories(shots);
    this.profile = Files.createTempDirectory("onboarding-chromium");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    // The flags a root, offline machine needs: no sandbox, no GPU, no calls to Google's hosts.
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-features=Translate,OptimizationHints,MediaRouter", "--window-size=1280,1400",
        "--user-data-dir=" + profile.toAbsolutePath());
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    this.driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
  }

  /** Opens a browser, or skips the test (fails it when required, as in CI) when Chromium is not installed. */
  static Browser open(String testName) {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    String missing = "Chromium and chromedriver are not installed (" + CHROMIUM + ", " + CHROMEDRIVER + "); run "
        + "'bash .ci/setup-browser' (Debian: apt-get install chromium chromium-driver) to run the browser tests.";
    boolean required = Boolean.getBoolean("browser.required")
        || "true".equalsIgnoreCase(System.getenv("IMPERSONATION_BROWSER_REQUIRED"));
    if (!present && required) {
      throw new AssertionError(missing);
    }
    Assumptions.assumeTrue(present, missing);
    try {
      return new Browser(testName);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  WebDriver driver() {
    return driver;
  }

  void go(String url) {
    driver.get(url);
  }

  WebElement find(String cssId) {
    return driver.findElement(By.id(cssId));
  }

  boolean has(String cssId) {
    return !driver.findElements(By.id(cssId)).isEmpty();
  }

  void click(String id) {
    find(id).click();
  }

  void type(String id, String text) {
    WebElement e = find(id);
    e.clear();
    e.sendKeys(text);
  }

  /** Waits (up to 20 s of real time: the browser's own pace) until the element is visible. */
  WebElement await(String id) {
    return new WebDriverWait(driver, Duration.ofSeconds(20)).until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
  }

  String text(String id) {
    return find(id).getText();
  }

  String title() {
    return driver.getTitle();
  }

  /** Saves a full-window screenshot as {@code NN-name.png}. */
  Path screenshot(String name) {
    try {
      seen.add(driver.getPageSource());
      Path file = shots.resolve(String.format("%02d-%s.png", ++shot, name));
      Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The HTML of every page a screenshot was taken of, in order. */
  List<String> pagesSeen() {
    return List.copyOf(seen);
  }

  String cookie(String name) {
    return driver.manage().getCookieNamed(name).getValue();
  }

  @Override
  public void close() {
    driver.quit();
    try (var files = Files.walk(profile)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp profile left behind is harmless
    }
  }
}
