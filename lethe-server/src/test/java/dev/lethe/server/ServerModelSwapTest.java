package dev.lethe.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Predictions during a switch: clients predicting non-stop while a batch retrains and switches all get answers,
 * each from one whole version, never an older version after a newer one, and none from the old version once the
 * request is reported done.
 */
class ServerModelSwapTest {

    /** One prediction: when it was sent (nanoTime) and which version answered. */
    private record Answer(long sentAt, int status, int version) {
    }

    @Test
    void predictionsNeverComeFromAnOldVersionOnceTheRequestIsDone(@TempDir Path dir) throws Exception {
        try (RunningServer server = RunningServer.start(dir)) {
            String body = "{\"instances\": " + ServerForgetFlowTest.vectors(4) + "}";
            AtomicBoolean running = new AtomicBoolean(true);
            ExecutorService pool = Executors.newFixedThreadPool(3);
            List<Future<List<Answer>>> clients = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                clients.add(pool.submit(() -> {
                    List<Answer> answers = new ArrayList<>();
                    Api api = server.client();
                    while (running.get()) {
                        long sent = System.nanoTime();
                        Api.Response r = api.post("/v1/predict", body);
                        answers.add(new Answer(sent, r.status(), r.status() == 200 ? r.json().get("modelVersion").asInt() : -1));
                    }
                    return answers;
                }));
            }
            // When a request is processed while they predict
            Thread.sleep(300);
            String id = server.admin().post("/v1/forget-requests", "{\"subjectIds\": [\"subject-21\"]}").json().get("id").asText();
            AtomicLong doneSeenAt = new AtomicLong();
            assertThat(server.admin().awaitFinished(id, 120).get("status").asText()).isEqualTo("done");
            doneSeenAt.set(System.nanoTime());
            Thread.sleep(300);
            running.set(false);
            pool.shutdown();

            // Then every prediction was answered, versions only went up, and after "done" only version 2 answered
            for (Future<List<Answer>> f : clients) {
                List<Answer> answers = f.get();
                assertThat(answers).isNotEmpty().allSatisfy(a -> assertThat(a.status()).isEqualTo(200));
                for (int i = 1; i < answers.size(); i++) {
                    assertThat(answers.get(i).version()).isGreaterThanOrEqualTo(answers.get(i - 1).version());
                }
                assertThat(answers).filteredOn(a -> a.sentAt() > doneSeenAt.get()).isNotEmpty()
                        .allSatisfy(a -> assertThat(a.version()).isEqualTo(2));
                assertThat(answers.get(0).version()).isEqualTo(1);
            }
        }
    }
}
