package dev.switchboard.web;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * One headless Chromium (a separate browser process with its own fresh profile, so two of them
 * are two independent users), driven through the system's chromedriver. Nothing is downloaded:
 * the browser and driver are Debian's {@code chromium} and {@code chromium-driver} packages
 * (override with {@code -Dswitchboard.chromium=…} / {@code -Dswitchboard.chromedriver=…}). Without
 * them the browser tests are skipped, saying how to install them.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of(System.getProperty("switchboard.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("switchboard.chromedriver", "/usr/bin/chromedriver"));

    final ChromeDriver driver;
    private final Path profile;
    private final ChromeDriverService service;
    private boolean closed;

    private Browser(ChromeDriver driver, ChromeDriverService service, Path profile) {
        this.driver = driver;
        this.service = service;
        this.profile = profile;
    }

    /** Skips the calling test (class) when Chromium or chromedriver is missing. */
    static void assumeInstalled() {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Browser tests skipped: no " + CHROMIUM + " and " + CHROMEDRIVER
                        + ". Install them with: apt-get install chromium chromium-driver");
    }

    /** A desktop browser whose page area is exactly {@code width} × {@code height} CSS pixels. */
    static Browser desktop(int width, int height) {
        Browser browser = start();
        browser.viewport(width, height, 1, false);
        return browser;
    }

    /** A phone: {@code width} × {@code height} CSS pixels at device pixel ratio 2, touch, mobile layout. */
    static Browser phone(int width, int height) {
        Browser browser = start();
        browser.viewport(width, height, 2, true);
        return browser;
    }

    private static Browser start() {
        assumeInstalled();
        Path profile;
        try {
            profile = Files.createTempDirectory("switchboard-chromium-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--no-default-browser-check", "--disable-extensions", "--hide-scrollbars", "--lang=en-GB",
                "--window-size=1280,900", "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .build();
        try {
            return new Browser(new ChromeDriver(service, options), service, profile);
        } catch (RuntimeException e) {
            service.stop();
            deleteQuietly(profile);
            throw e;
        }
    }

    private void viewport(int width, int height, double scale, boolean mobile) {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", scale, "mobile", mobile));
        if (mobile) {
            driver.executeCdpCommand("Emulation.setTouchEmulationEnabled", Map.of("enabled", true, "maxTouchPoints", 5));
        }
    }

    /** The page's clock reads {@code zone}'s wall time, whatever the machine's zone (CDP timezone override). */
    Browser inTimeZone(ZoneId zone) {
        driver.executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", zone.getId()));
        return this;
    }

    /**
     * The browser's languages ({@code navigator.languages}, {@code Accept-Language}), e.g. {@code "en-GB"}
     * for English with a 24-hour clock. Headless Chromium on Linux takes them from the environment
     * ({@code LANG}), not from {@code --lang}; this sets them for the pages of this browser.
     */
    Browser speaking(String languages) {
        Object userAgent = driver.executeCdpCommand("Browser.getVersion", Map.of()).get("userAgent");
        driver.executeCdpCommand("Emulation.setUserAgentOverride", Map.of("userAgent", userAgent, "acceptLanguage", languages));
        return this;
    }

    /** JavaScript errors the page did not catch (console entries of level SEVERE saying "Uncaught"). */
    List<String> uncaughtErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .filter(message -> message.contains("Uncaught"))
                .toList();
    }

    /** Ends the browser process: its sockets close as when a user closes the tab. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            driver.quit();
        } finally {
            service.stop();
            deleteQuietly(profile);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // a temp directory; nothing depends on it
        }
    }
}
