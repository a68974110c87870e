package dev.lethe.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** Tokens and roles on every route, and the OpenAPI document against the routes the HTTP server registered. */
class ServerAuthTest {

    @TempDir
    static Path dir;
    static RunningServer server;

    @BeforeAll
    static void startServer() throws Exception {
        // these tests send many wrong tokens on purpose: more than the per-address limit of failures
        server = RunningServer.start(ServerConfig.defaults(TestStores.copy(dir.resolve("store")), "127.0.0.1", 0)
                .withBatchWindow(java.time.Duration.ofMillis(200))
                .withNetwork(NetworkConfig.defaults().withMaxAuthFailures(10_000)));
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    /** Every operation of the OpenAPI document: method, concrete path, access. */
    private static List<String[]> operations() {
        JsonNode paths = server.admin().get("/v1/openapi.json").json().get("paths");
        List<String[]> ops = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            for (Iterator<Map.Entry<String, JsonNode>> m = path.getValue().fields(); m.hasNext(); ) {
                Map.Entry<String, JsonNode> op = m.next();
                ops.add(new String[]{op.getKey().toUpperCase(), path.getKey().replace("{id}", "req-000000000000")
                        .replace("{name}", "nobody"), op.getValue().get("x-lethe-access").asText()});
            }
        }
        return ops;
    }

    @Test
    void theOpenApiDocumentDescribesExactlyTheRegisteredRoutes() {
        JsonNode doc = server.admin().get("/v1/openapi.json").json();
        assertThat(doc.get("openapi").asText()).startsWith("3.");
        TreeSet<String> documented = new TreeSet<>();
        doc.get("paths").fields().forEachRemaining(p -> p.getValue().fieldNames()
                .forEachRemaining(m -> documented.add(m.toUpperCase() + " " + p.getKey())));
        assertThat(documented).isEqualTo(new TreeSet<>(server.server().registeredRoutes()));
        assertThat(documented).contains("POST /v1/forget-requests", "GET /v1/forget-requests/{id}", "GET /v1/forget-requests",
                "POST /v1/predict", "POST /v1/generate", "GET /v1/models/current", "POST /v1/audit", "GET /v1/health", "GET /v1/metrics",
                "GET /v1/ready", "GET /v1/openapi.json", "GET /", "GET /login", "POST /login", "POST /logout", "GET /dashboard/charts/{name}",
                "GET /dashboard/plots/{name}");
    }

    @Test
    void onlyHealthAndTheSignInFormAnswerWithoutATokenAndTheDashboardSendsBrowsersToIt() {
        Api anonymous = server.admin().as(null);
        assertThat(anonymous.get("/v1/health").status()).isEqualTo(200);
        List<String[]> ops = operations();
        assertThat(ops).hasSizeGreaterThan(10);
        for (String[] op : ops) {
            if (op[2].equals("public")) {
                assertThat(op[1]).isIn("/v1/health", "/v1/ready", "/login");
                continue;
            }
            Api.Response r = anonymous.send(op[0], op[1], "{}");
            if (op[2].equals("dashboard")) {
                assertThat(r.status()).as(op[0] + " " + op[1]).isEqualTo(303);
                assertThat(r.raw().headers().firstValue("Location")).as(op[1]).hasValue("/login");
                continue;
            }
            assertThat(r.status()).as(op[0] + " " + op[1]).isEqualTo(401);
            assertThat(r.raw().headers().firstValue("WWW-Authenticate")).as(op[1]).isPresent();
            assertThat(r.json().get("field").asText()).isEqualTo("Authorization");
        }
    }

    @Test
    void wrongAndMalformedTokensAreRefusedEverywhere() {
        String wellFormedButUnknown = "lethe_000000000000_" + "A".repeat(43);
        String forgedSecret = server.adminToken().substring(0, 19) + "B".repeat(43);
        for (String token : new String[]{wellFormedButUnknown, forgedSecret, "not-a-token", server.adminToken() + "x"}) {
            for (String[] op : operations()) {
                if (!op[2].equals("public")) {
                    assertThat(server.admin().as(token).send(op[0], op[1], "{}").status()).as(token + " " + op[0] + " " + op[1])
                            .isEqualTo(401);
                }
            }
        }
    }

    @Test
    void aClientTokenIsRefusedTheAdminEndpointsAndARevokedTokenEverything() {
        for (String[] op : operations()) {
            if (op[2].equals("admin") || op[2].equals("dashboard")) {
                Api.Response r = server.client().send(op[0], op[1], "{}");
                assertThat(r.status()).as(op[0] + " " + op[1]).isEqualTo(403);
            }
        }
        // A client may predict and read the model
        assertThat(server.client().get("/v1/models/current").status()).isEqualTo(200);

        // Given a token an admin issued, which works
        Api.Response issued = server.admin().post("/v1/tokens", "{\"name\": \"short-lived\", \"role\": \"admin\"}");
        assertThat(issued.status()).as(issued.body()).isEqualTo(201);
        String token = issued.json().get("token").asText();
        assertThat(server.admin().as(token).get("/v1/forget-requests").status()).isEqualTo(200);
        assertThat(server.admin().get("/v1/tokens").body()).contains("short-lived").doesNotContain(token);

        // When it is revoked, it opens nothing any more
        assertThat(server.admin().delete("/v1/tokens/short-lived").status()).isEqualTo(204);
        assertThat(server.admin().delete("/v1/tokens/short-lived").status()).isEqualTo(404);
        for (String[] op : operations()) {
            if (!op[2].equals("public")) {
                assertThat(server.admin().as(token).send(op[0], op[1], "{}").status()).as(op[0] + " " + op[1]).isEqualTo(401);
            }
        }
    }

    @Test
    void aClientSeesItsOwnRequestsOnly() {
        // Given a request an admin submitted
        String id = server.admin().post("/v1/forget-requests", "{\"subjectIds\": [\"no-such-person\"]}").json().get("id").asText();
        // Then the admin reads it and a client is told it does not exist
        assertThat(server.admin().get("/v1/forget-requests/" + id).status()).isEqualTo(200);
        Api.Response asClient = server.client().get("/v1/forget-requests/" + id);
        assertThat(asClient.status()).isEqualTo(404);
        assertThat(asClient.body()).doesNotContain("no-such-person");
    }
}
