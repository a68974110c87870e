package dev.lethe.server;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTPS from PEM files with HSTS and Secure cookies; behind a trusted proxy, its forwarded scheme makes the cookie
 * Secure, while the same headers from anyone else are ignored.
 */
class TlsAndProxyTest {

    @Test
    void theServerSpeaksHttpsFromPemFilesWithHstsAndSecureCookies(@TempDir Path dir) throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process openssl;
        try {
            openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-keyout", key.toString(), "-out", cert.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
        } catch (java.io.IOException e) {
            Assumptions.abort("openssl is not installed: " + e.getMessage());
            return;
        }
        assertThat(openssl.waitFor(60, TimeUnit.SECONDS) && openssl.exitValue() == 0).as("openssl made a certificate").isTrue();

        try (RunningServer s = RunningServer.start(ServerConfig.defaults(TestStores.copy(dir.resolve("store")), "127.0.0.1", 0)
                .withNetwork(NetworkConfig.defaults().withTls(cert, key)))) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("lethe", Tls.keyStore(cert, key).getCertificate("lethe"));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            HttpClient https = HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
            String base = "https://localhost:" + s.server().port();

            HttpResponse<String> health = https.send(HttpRequest.newBuilder(URI.create(base + "/v1/health"))
                    .header("Authorization", "Bearer " + s.clientToken()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=31536000");

            HttpResponse<String> signIn = https.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("token=" + s.adminToken())).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(signIn.statusCode()).isEqualTo(303);
            assertThat(signIn.headers().firstValue("Set-Cookie").orElseThrow()).contains("; Secure");
        }
    }

    @Test
    void forwardedHttpsIsBelievedFromATrustedProxyOnly(@TempDir Path dir) throws Exception {
        Path store = TestStores.copy(dir.resolve("store"));
        NetworkConfig devHttp = NetworkConfig.defaults().withInsecureCookies(true);
        for (boolean trusted : new boolean[]{true, false}) {
            NetworkConfig network = trusted ? devHttp.withTrustedProxies(List.of("127.0.0.1")) : devHttp;
            try (LetheServer server = LetheServer.start(ServerConfig.defaults(store, "127.0.0.1", 0).withNetwork(network))) {
                String admin = dev.lethe.server.auth.TokenStore.open(ServerConfig.ledgerUrl(store, null))
                        .create("admin-" + trusted, dev.lethe.server.auth.Role.ADMIN).secret();
                HttpResponse<String> signIn = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + server.port() + "/login"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("X-Forwarded-Proto", "https").header("X-Forwarded-For", "203.0.113.7")
                        .POST(HttpRequest.BodyPublishers.ofString("token=" + admin)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(signIn.statusCode()).isEqualTo(303);
                String cookie = signIn.headers().firstValue("Set-Cookie").orElseThrow();
                if (trusted) {
                    assertThat(cookie).as("behind a trusted TLS proxy").contains("; Secure");
                    assertThat(signIn.headers().firstValue("Strict-Transport-Security")).isPresent();
                } else {
                    assertThat(cookie).as("forwarded headers from an untrusted peer").doesNotContain("Secure");
                    assertThat(signIn.headers().firstValue("Strict-Transport-Security")).isEmpty();
                }
            }
        }
    }
}
