package dev.lethe.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 300 connections from one client trickling a sign-in body one byte at a time do not take the service down:
 * requests past the per-client limit are refused before their body is read, the minimum body data rate ends the others,
 * and another client's health checks and predictions answer promptly meanwhile. The rate allows a grace second, so a
 * body that pauses for less (or that the server reads late) is read, and one that keeps trickling gets a 408.
 */
class SlowClientTest {

    private static final String FEATURES = "{\"features\": [" + "0,".repeat(63) + "0]}";

    @Test
    void threeHundredSlowBodiesFromOneClientLeaveTheServiceToOthers(@TempDir Path dir) throws Exception {
        try (RunningServer s = RunningServer.start(ServerConfig.defaults(TestStores.copy(dir.resolve("store")), "127.0.0.1", 0)
                .withBatchWindow(Duration.ofMillis(100)))) {
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 300; i++) {
                    Socket socket;
                    try {
                        socket = RawHttp.connect(s.server().port(), "127.0.0.2");
                    } catch (IOException refused) {
                        continue;
                    }
                    slow.add(socket);
                    OutputStream out = socket.getOutputStream();
                    out.write(("POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                            + "Content-Length: 1000\r\n\r\nt").getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }
                Thread trickle = new Thread(() -> {
                    for (int round = 0; round < 10; round++) {
                        for (Socket socket : slow) {
                            try {
                                socket.getOutputStream().write('o');
                            } catch (IOException closed) {
                                // cut off by the server: what should happen
                            }
                        }
                        try {
                            Thread.sleep(1_000);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "trickle");
                trickle.setDaemon(true);
                trickle.start();

                Api other = s.client();
                for (int i = 0; i < 10; i++) {
                    long start = System.nanoTime();
                    assertThat(other.get("/v1/health").status()).isEqualTo(200);
                    assertThat(other.post("/v1/predict", FEATURES).status()).isEqualTo(200);
                    assertThat((System.nanoTime() - start) / 1e9).as("health + predict, try " + i).isLessThan(2.0);
                    Thread.sleep(300);
                }
                trickle.interrupt();
                // the slow ones were cut off with a 408 that says why (or refused with a 429 before their body was read)
                RawHttp.Answer answer = RawHttp.readAnswer(slow.get(0).getInputStream());
                assertThat(answer.status()).as(answer.text()).isIn(408, 429);
            } finally {
                for (Socket socket : slow) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void aBodyThatPausesForLessThanTheGraceSecondIsReadAndOneThatTricklesOnGetsA408(@TempDir Path dir) throws Exception {
        try (RunningServer s = RunningServer.start(ServerConfig.defaults(TestStores.copy(dir.resolve("store")), "127.0.0.1", 0)
                .withBatchWindow(Duration.ofMillis(100)))) {
            String head = "POST /v1/predict HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + s.clientToken()
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + FEATURES.length() + "\r\n\r\n";
            // 10 bytes, then 600 ms of nothing (a rate of 17 bytes a second so far: Jetty's own check cut this off), then the rest
            try (Socket socket = RawHttp.connect(s.server().port(), "127.0.0.1")) {
                OutputStream out = socket.getOutputStream();
                out.write((head + FEATURES.substring(0, 10)).getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                Thread.sleep(600);
                out.write(FEATURES.substring(10).getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                RawHttp.Answer answer = RawHttp.readAnswer(socket.getInputStream());
                assertThat(answer.status()).as(answer.text()).isEqualTo(200);
            }
            // a byte every 400 ms: under 1,024 bytes a second once the grace second is over
            try (Socket socket = RawHttp.connect(s.server().port(), "127.0.0.1")) {
                OutputStream out = socket.getOutputStream();
                out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                long start = System.nanoTime();
                try {
                    for (int i = 0; i < 20; i++) {
                        out.write(FEATURES.charAt(i));
                        out.flush();
                        Thread.sleep(400);
                    }
                } catch (IOException closed) {
                    // cut off by the server: what should happen
                }
                RawHttp.Answer answer = RawHttp.readAnswer(socket.getInputStream());
                assertThat(answer.status()).as(answer.text()).isEqualTo(408);
                assertThat(answer.text()).contains("too slowly", "--min-body-bytes-per-second");
                assertThat((System.nanoTime() - start) / 1e9).as("seconds until the answer").isLessThan(8.0);
            }
        }
    }
}
