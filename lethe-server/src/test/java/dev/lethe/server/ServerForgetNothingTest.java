package dev.lethe.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Over REST, a forget request that names nothing is answered as such: an unknown record id is 422 (not 202),
 * naming the field and showing the id format; a person the store holds nothing about is done without a new model
 * version, and the receipt says "no data held about this subject".
 */
class ServerForgetNothingTest {

    @Test
    void anUnknownRecordIs422AndAnUnknownPersonIsDoneWithoutANewVersion(@TempDir Path dir) throws Exception {
        try (RunningServer server = RunningServer.start(dir)) {
            Api admin = server.admin();
            Api.Response unknown = admin.post("/v1/forget-requests", "{\"recordIds\": [\"12345\"]}");
            assertThat(unknown.status()).as(unknown.body()).isEqualTo(422);
            assertThat(unknown.json().get("field").asText()).isEqualTo("recordIds[0]");
            assertThat(unknown.json().get("error").asText()).contains("recordIds[0] names no record of this store")
                    .contains("record ids here look like '");
            assertThat(admin.get("/v1/forget-requests").json().get("items")).isEmpty();

            Api.Response accepted = admin.post("/v1/forget-requests", "{\"subjectIds\": [\"nobody-here\"]}");
            assertThat(accepted.status()).isEqualTo(202);
            JsonNode done = admin.awaitFinished(accepted.json().get("id").asText(), 60);
            assertThat(done.get("status").asText()).isEqualTo("done");
            assertThat(done.at("/receipt/outcome").asText()).isEqualTo("no data held about this subject; nothing changed");
            assertThat(done.at("/receipt/modelVersion").asInt()).isEqualTo(1);
            assertThat(admin.get("/v1/models/current").json().get("lineage")).hasSize(1);
            assertThat(admin.post("/v1/audit", "").json().get("passed").asBoolean()).isTrue();
        }
    }
}
