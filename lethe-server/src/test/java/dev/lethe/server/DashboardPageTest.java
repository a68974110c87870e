package dev.lethe.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard over real HTTP: signing in with the form, the cookie's reach, the charts, the latest report's plots. */
class DashboardPageTest {

    @TempDir
    static Path dir;
    static RunningServer server;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void startServer() throws Exception {
        server = RunningServer.start(dir);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    private static HttpResponse<byte[]> send(String method, String path, String cookie, String form) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.server().port() + path))
                .method(method, form == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(form));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        if (form != null) {
            b.header("Content-Type", "application/x-www-form-urlencoded");
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<byte[]> signIn(String token) throws Exception {
        return send("POST", "/login", null, "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void anAdminTokenSignsInToTheDashboardOnlyAndARevokedOneNoLonger() throws Exception {
        // Given an admin token issued for a browser
        String token = server.admin().post("/v1/tokens", "{\"name\": \"browser\", \"role\": \"admin\"}").json().get("token").asText();

        // When it is posted to the sign-in form
        HttpResponse<byte[]> signedIn = signIn(token);

        // Then the browser is sent to the dashboard with an HttpOnly, SameSite=Strict cookie that opens it: a
        // server-side session id with an expiry, never the token itself
        assertThat(signedIn.statusCode()).isEqualTo(303);
        assertThat(signedIn.headers().firstValue("Location")).hasValue("/");
        String setCookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith(LoginPage.COOKIE + "=").contains("HttpOnly", "SameSite=Strict", "Max-Age=28800")
                .doesNotContain(token).doesNotContain(token.substring(19));
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        assertThat(send("GET", "/", LoginPage.COOKIE + "=" + token, null).statusCode())
                .as("a cookie holding the raw token opens nothing").isEqualTo(303);
        HttpResponse<byte[]> page = send("GET", "/", cookie, null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(text(page)).contains("model version <b id=\"model-version\">1</b>").contains("browser");
        assertThat(send("GET", "/dashboard/charts/history.png", cookie, null).statusCode()).isEqualTo(200);

        // But the cookie opens none of the JSON API
        assertThat(send("GET", "/v1/forget-requests", cookie, null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/v1/models/current", cookie, null).statusCode()).isEqualTo(401);

        // And a client token, a wrong one and an empty form are refused, with no cookie
        HttpResponse<byte[]> client = signIn(server.clientToken());
        assertThat(client.statusCode()).isEqualTo(403);
        assertThat(text(client)).contains("needs an admin token");
        for (String wrong : new String[]{token + "x", "lethe_000000000000_" + "A".repeat(43), ""}) {
            HttpResponse<byte[]> r = signIn(wrong);
            assertThat(r.statusCode()).as(wrong).isEqualTo(401);
            assertThat(r.headers().firstValue("Set-Cookie")).as(wrong).isEmpty();
        }

        // And once the token is revoked its cookie sends the browser back to the form, and is cleared
        assertThat(server.admin().delete("/v1/tokens/browser").status()).isEqualTo(204);
        HttpResponse<byte[]> revoked = send("GET", "/", cookie, null);
        assertThat(revoked.statusCode()).isEqualTo(303);
        assertThat(revoked.headers().firstValue("Location")).hasValue("/login");
        assertThat(revoked.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
        assertThat(send("GET", "/dashboard/charts/history.png", cookie, null).statusCode()).isEqualTo(303);
    }

    @Test
    void theChartsArePngsOfTheManifest() throws Exception {
        Api admin = server.admin();
        BufferedImage history = ImageIO.read(new ByteArrayInputStream(admin.http().send(HttpRequest.newBuilder(
                URI.create(admin.base() + "/dashboard/charts/history.png")).header("Authorization", "Bearer " + server.adminToken())
                .build(), HttpResponse.BodyHandlers.ofByteArray()).body()));
        assertThat(history.getWidth()).isEqualTo(DashboardCharts.WIDTH);
        assertThat(history.getHeight()).isEqualTo(DashboardCharts.HEIGHT);
        // A store without a forget batch: a legend swatch at most, no bar of requests
        assertThat(Pixels.count(history, DashboardCharts.REQUESTS)).isLessThan(Pixels.BAR);
        assertThat(admin.get("/dashboard/charts/nothing.png").status()).isEqualTo(404);
    }

    @Test
    void theDashboardShowsThePlotsOfTheLatestReportAndServesNoOtherFile() throws Exception {
        Api admin = server.admin();
        Path reports = server.store().resolve("reports");
        // Given no report with plots, the page says so
        assertThat(admin.get("/").body()).contains("id=\"no-report\"").doesNotContain("report-plot");

        // Given an older and a newer report
        Path old = png(reports.resolve("run-old/plots/gaps.png"), Color.RED);
        Files.setLastModifiedTime(old, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        Path cost = png(reports.resolve("run-new/plots/cost.png"), Color.BLUE);
        png(reports.resolve("run-new/plots/drift.png"), Color.GREEN);

        // Then the page shows the newer one's plots, and only those are served
        String page = admin.get("/").body();
        assertThat(page).contains("<code id=\"report-name\">run-new</code>").contains("src=\"/dashboard/plots/cost.png\"")
                .contains("src=\"/dashboard/plots/drift.png\"").doesNotContain("gaps.png").doesNotContain("no-report");
        HttpResponse<byte[]> served = admin.http().send(HttpRequest.newBuilder(URI.create(admin.base() + "/dashboard/plots/cost.png"))
                .header("Authorization", "Bearer " + server.adminToken()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(served.body()).isEqualTo(Files.readAllBytes(cost));
        assertThat(admin.get("/dashboard/plots/gaps.png").status()).isEqualTo(404);
        // (Jetty refuses an encoded slash itself with a 400; a name that got through would be refused with a 404)
        assertThat(admin.get("/dashboard/plots/..%2F..%2Frun-old%2Fplots%2Fgaps.png").status()).isIn(400, 404);
        assertThat(admin.get("/dashboard/plots/..%2F..%2F..%2Fmanifest.json").status()).isIn(400, 404);
    }

    private static Path png(Path file, Color colour) throws IOException {
        BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                image.setRGB(x, y, colour.getRGB());
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(image, "png", file.toFile());
        return file;
    }
}
