package dev.lethe.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.Rectangle;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard in headless Chromium, driven by Selenium: an operator signs in through the form and sees the
 * version, the history and charts that show data. Skips where Debian's {@code chromium} and {@code chromium-driver}
 * are not installed. The screenshot is kept as {@code target/dashboard-browser.png}.
 */
class DashboardBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    Path dir;

    @Test
    void anOperatorSignsInAndTheDashboardShowsTheVersionTheHistoryAndChartsOfIt() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "headless browser test skipped: needs /usr/bin/chromium and /usr/bin/chromedriver (apt-get install chromium chromium-driver)");
        // plain HTTP on a development machine: the one case for --insecure-cookies
        try (RunningServer server = RunningServer.start(ServerConfig.defaults(TestStores.copy(dir.resolve("store")), "127.0.0.1", 0)
                .withBatchWindow(java.time.Duration.ofMillis(200)).withNetwork(NetworkConfig.defaults().withInsecureCookies(true)))) {
            // Given a server that has forgotten one subject, so there is a second version and a history
            Api admin = server.admin();
            String id = admin.post("/v1/forget-requests", "{\"subjectIds\": [\"subject-7\"]}").json().get("id").asText();
            assertThat(admin.awaitFinished(id, 300).get("status").asText()).isEqualTo("done");
            int version = admin.get("/v1/models/current").json().get("version").asInt();
            assertThat(version).isEqualTo(2);
            String base = "http://127.0.0.1:" + server.server().port();

            ChromeDriver browser = chrome();
            try {
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
                // When a browser without the cookie opens the dashboard, it lands on the sign-in form
                browser.get(base + "/");
                assertThat(browser.getCurrentUrl()).isEqualTo(base + "/login");
                browser.findElement(By.name("token")).sendKeys(server.clientToken());
                browser.findElement(By.cssSelector("button[type=submit]")).click();
                assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-error"))).getText())
                        .contains("needs an admin token");

                // And with the admin token it reaches the dashboard
                browser.findElement(By.name("token")).sendKeys(server.adminToken());
                browser.findElement(By.cssSelector("button[type=submit]")).click();
                wait.until(ExpectedConditions.urlToBe(base + "/"));

                // Then the page shows the version served and the request in the history
                assertThat(browser.findElement(By.id("model-version")).getText()).isEqualTo(Integer.toString(version));
                assertThat(browser.findElement(By.id("history")).getText()).contains(id);
                assertThat(browser.findElement(By.id("no-report")).getText()).contains("no report");

                // And the charts are loaded images whose pixels show the bars of that history
                WebElement history = browser.findElement(By.id("chart-history"));
                WebElement retraining = browser.findElement(By.id("chart-retraining"));
                for (WebElement chart : new WebElement[]{history, retraining}) {
                    wait.until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
                            "return arguments[0].complete && arguments[0].naturalWidth > 0", chart));
                }
                byte[] png = browser.getScreenshotAs(OutputType.BYTES);
                Path kept = Path.of("target", "dashboard-browser.png");
                Files.createDirectories(kept.getParent());
                Files.write(kept, png);
                BufferedImage screen = ImageIO.read(new ByteArrayInputStream(png));
                double scale = ((Number) browser.executeScript("return window.devicePixelRatio")).doubleValue();

                BufferedImage historyPixels = crop(screen, history.getRect(), scale);
                assertThat(Pixels.distinctColours(historyPixels)).as("colours of the history chart").isGreaterThan(20);
                assertThat(Pixels.nonWhiteShare(historyPixels)).as("ink in the history chart").isGreaterThan(0.03);
                assertThat(Pixels.count(historyPixels, DashboardCharts.REQUESTS)).as("a bar of requests").isGreaterThan(Pixels.BAR);
                assertThat(Pixels.count(historyPixels, DashboardCharts.SHARDS)).as("a bar of retrained shards").isGreaterThan(Pixels.BAR);
                BufferedImage retrainingPixels = crop(screen, retraining.getRect(), scale);
                assertThat(Pixels.count(retrainingPixels, DashboardCharts.SECONDS)).as("a bar of retraining time").isGreaterThan(Pixels.BAR);
            } finally {
                browser.quit();
            }
        }
    }

    /** The part of a screenshot under an element, which must lie inside the window. */
    private static BufferedImage crop(BufferedImage screen, Rectangle r, double scale) {
        int x = (int) Math.round(r.getX() * scale);
        int y = (int) Math.round(r.getY() * scale);
        int w = (int) Math.round(r.getWidth() * scale);
        int h = (int) Math.round(r.getHeight() * scale);
        assertThat(x + w).as("chart inside the screenshot").isLessThanOrEqualTo(screen.getWidth());
        assertThat(y + h).as("chart inside the screenshot").isLessThanOrEqualTo(screen.getHeight());
        return screen.getSubimage(x, y, w, h);
    }

    /** Headless Chromium from the Debian packages, with a fresh profile; the driver path is explicit, so nothing is downloaded. */
    private ChromeDriver chrome() throws Exception {
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,1600", "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")));
        return new ChromeDriver(service, options);
    }
}
