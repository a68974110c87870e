package dev.lethe.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The body limit holds however the body is framed: a chunked body (no Content-Length) is refused with a 413 that
 * states the limit as soon as it passes it, and the connection is closed (Jetty drains what has already arrived
 * without keeping it); strings are capped.
 */
class ServerBodyLimitTest {

    private static final long LIMIT = 65_536;
    private static final long FLOOD = 1L << 30;

    @TempDir
    static Path dir;
    static RunningServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = RunningServer.start(ServerConfig.defaults(TestStores.copy(dir.resolve("store")), "127.0.0.1", 0)
                .withMaxBodyBytes(LIMIT).withBatchWindow(Duration.ofMillis(100))
                // the size limit is under test, not the rate: a sender starved on a busy machine must not get a 408
                .withNetwork(NetworkConfig.defaults().withMinBodyBytesPerSecond(0)));
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @Test
    void aChunkedPredictBodyPastTheLimitIsRefusedWith413WithoutReadingItAll() throws Exception {
        assertFloodRefused("POST /v1/predict HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + server.clientToken()
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n", "{\"features\": [", (byte) '0');
    }

    @Test
    void aChunkedSignInFormPastTheLimitIsRefusedWith413() throws Exception {
        assertFloodRefused("POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n", "token=", (byte) 'a');
    }

    private static void assertFloodRefused(String head, String prefix, byte filler) throws Exception {
        AtomicLong sent = new AtomicLong();
        try (Socket s = RawHttp.connect(server.server().port(), null)) {
            Thread flood = RawHttp.floodChunked(s, head, prefix, filler, FLOOD, sent);
            RawHttp.Answer answer = RawHttp.readAnswer(s.getInputStream());
            // refused while the flood still runs (the old code read all of it, then parsed it)
            assertThat(sent.get()).isLessThan(FLOOD);
            assertThat(answer.status()).as(answer.text()).isEqualTo(413);
            assertThat(answer.text()).contains(LIMIT + " bytes").containsIgnoringCase("Connection: close");
            // and the server closes the connection: the flood ends before it is through
            flood.join(30_000);
            assertThat(flood.isAlive()).isFalse();
        }
        assertThat(sent.get()).isLessThan(FLOOD);
    }

    @Test
    void overlongStringsAreRefusedNamingTheField() {
        String longId = "x".repeat(JsonBody.MAX_STRING + 1);
        Api.Response r = server.admin().post("/v1/forget-requests", "{\"subjectIds\": [\"" + longId + "\"]}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("field").asText()).isEqualTo("subjectIds[0]");
        r = server.admin().post("/v1/forget-requests", "{\"subjectIds\": [\"s-1\"], \"reason\": \"" + "r".repeat(2_001) + "\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("field").asText()).isEqualTo("reason");
        r = server.admin().post("/v1/forget-requests", "{\"subjectIds\": [\"" + "s".repeat(513) + "\"]}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").asText()).contains("at most 512");
        assertThat(server.admin().get("/v1/forget-requests").json().required("items")).isEmpty();
    }
}
