package dev.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.core.fault.CrashPoints;
import dev.lethe.core.keys.IdDigest;
import dev.lethe.core.keys.StoreKeys;
import dev.lethe.core.ledger.Ledger;
import dev.lethe.core.sisa.TrainingDataFile;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreManifest;
import org.apache.commons.codec.digest.DigestUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12.3 and 12.4 on a real SISA store through the command line: forgotten ids appear only as keyed digests
 * (never as the SHA-256 anyone could recompute from a guessed id), {@code lethe keys rotate} keeps the audit green
 * and finishes after a kill, and a request's reason is never printed and can be redacted without breaking the chain.
 */
class KeysAndReasonsCommandTest {

    private static final String PERSON = "subject-7";
    private static final String REASON = "GDPR request from Jane Roe, jane@example.com";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path template;
    static List<String> personRecords;

    @BeforeAll
    static void trainAStore() throws Exception {
        template = dir.resolve("template");
        Cli trained = Cli.run("train", "--sisa", "--shards", "2", "--slices", "2", "--assign", "subject", "--subjects", "60",
                "--epochs", "1", "--model", "mlp:16", "--store", template.toString());
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        personRecords = new ArrayList<>();
        StoreManifest m = Store.open(template).readManifest();
        for (String f : m.dataFiles().all()) {
            TrainingDataFile.Metadata meta = TrainingDataFile.readMetadata(template.resolve(f));
            for (int i = 0; i < meta.size(); i++) {
                if (PERSON.equals(meta.subjects()[i])) {
                    personRecords.add(meta.ids().get(i));
                }
            }
        }
        assertThat(personRecords).isNotEmpty();
    }

    private static Path copy(String name) throws IOException {
        return Store.open(template).copyTo(dir.resolve(name)).root();
    }

    private static Cli forget(Path store, String... extra) {
        List<String> args = new ArrayList<>(List.of("forget", "--store", store.toString(), "--subject", PERSON, "--reason", REASON));
        args.addAll(List.of(extra));
        Cli c = Cli.run(args.toArray(String[]::new));
        assertThat(c.exitCode()).as(c.err()).isZero();
        return c;
    }

    /** Every file of the store (ledger included, after its WAL), as Latin-1 text so that any byte sequence can be searched. */
    private static String allBytes(Path store) throws IOException {
        StringBuilder text = new StringBuilder();
        try (Stream<Path> files = Files.walk(store)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                text.append(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1)).append('\n');
            }
        }
        return text.toString();
    }

    private static void auditPasses(Path store) {
        Cli audit = Cli.run("audit", "--store", store.toString());
        assertThat(audit.exitCode()).as(audit.out() + audit.err()).isZero();
    }

    @Test
    void forgottenIdsAreKeptOnlyAsKeyedDigestsAndTheReasonIsNeverPrinted() throws Exception {
        Path store = copy("keyed");
        Cli forgot = forget(store);
        // the reason is never printed
        assertThat(forgot.out() + forgot.err()).doesNotContain("Jane Roe");
        // the key file is private
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.resolve(StoreKeys.FILE_NAME))))
                .isEqualTo("rw-------");
        // no file of the store holds the plain SHA-256 of the person or of any of their records, nor of the sets
        String bytes = allBytes(store);
        List<String> plain = new ArrayList<>(List.of(DigestUtils.sha256Hex(PERSON),
                DigestUtils.sha256Hex(String.join("\n", personRecords.stream().sorted().toList()))));
        personRecords.forEach(id -> plain.add(DigestUtils.sha256Hex(id)));
        assertThat(plain).allSatisfy(d -> assertThat(bytes).doesNotContain(d));
        // the tombstones are the keyed digests of exactly those records
        IdDigest digest = StoreKeys.forReading(Store.open(store));
        assertThat(Store.open(store).readManifest().tombstones())
                .containsExactlyInAnyOrderElementsOf(personRecords.stream().map(digest::ofId).toList());
        try (Ledger ledger = Ledger.open(store.resolve("ledger.db"))) {
            assertThat(ledger.list(null, 0, 10).get(0).valuesDigest()).isEqualTo(digest.ofIds(List.of(PERSON)));
            JsonNode receipt = JSON.readTree(ledger.list(null, 0, 10).get(0).receiptJson());
            assertThat(receipt.toString()).contains(digest.ofIds(personRecords));
        }
        auditPasses(store);
    }

    @Test
    void rotatingTheKeyKeepsTheAuditGreenAndLaterForgetsUseTheNewKey() throws Exception {
        Path store = copy("rotated");
        forget(store);
        String before = Store.open(store).readManifest().digestKey();
        Cli rotated = Cli.run("keys", "rotate", "--store", store.toString());
        assertThat(rotated.exitCode()).as(rotated.err()).isZero();
        assertThat(rotated.out()).contains(before).contains("tombstone");
        StoreManifest m = Store.open(store).readManifest();
        assertThat(m.digestKey()).isNotEqualTo(before);
        IdDigest digest = StoreKeys.forReading(Store.open(store));
        assertThat(m.tombstones()).containsExactlyInAnyOrderElementsOf(personRecords.stream().map(digest::ofId).toList());
        auditPasses(store);
        Cli shown = Cli.run("keys", "show", "--store", store.toString());
        assertThat(shown.out()).contains(m.digestKey()).doesNotContain(Files.readString(store.resolve(StoreKeys.FILE_NAME)).lines()
                .filter(l -> !l.startsWith("#")).findFirst().orElseThrow());
        // a later request is keyed with the new key, and the audit still holds
        Cli c = Cli.run("forget", "--store", store.toString(), "--subject", "subject-8");
        assertThat(c.exitCode()).as(c.err()).isZero();
        try (Ledger ledger = Ledger.open(store.resolve("ledger.db"))) {
            assertThat(ledger.list(null, 0, 10).get(1).valuesDigest()).isEqualTo(digest.ofIds(List.of("subject-8")));
            assertThat(ledger.verifyChain().intact()).isTrue();
        }
        auditPasses(store);
    }

    @ParameterizedTest
    @ValueSource(strings = {"key-rotation-after-next-key", "key-rotation-after-ledger", "key-rotation-after-manifest"})
    void aKilledRotationIsReportedByTheAuditAndFinishedByResume(String crashPoint) throws Exception {
        Path store = copy("crash-" + crashPoint);
        forget(store);
        Process killed = new ProcessBuilder(ChildJvm.command(List.of("-Dlethe.crashAt=" + crashPoint),
                List.of("keys", "rotate", "--store", store.toString()))).redirectErrorStream(true).start();
        assertThat(killed.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(killed.exitValue()).as(new String(killed.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo(CrashPoints.EXIT_STATUS);
        Cli audit = Cli.run("audit", "--store", store.toString());
        assertThat(audit.exitCode()).isEqualTo(ExitCodes.VERIFICATION_FAILED);
        assertThat(audit.out()).contains("lethe keys rotate --resume");
        Cli resumed = Cli.run("keys", "rotate", "--resume", "--store", store.toString());
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("->");
        auditPasses(store);
        assertThat(Cli.run("keys", "rotate", "--resume", "--store", store.toString()).out()).contains("no key rotation was pending");
    }

    @Test
    void aMissingOrExposedKeyIsAClearError() throws Exception {
        Path store = copy("nokey");
        forget(store);
        Path key = store.resolve(StoreKeys.FILE_NAME);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        Cli audit = Cli.run("audit", "--store", store.toString());
        assertThat(audit.exitCode()).isEqualTo(ExitCodes.VERIFICATION_FAILED);
        assertThat(audit.out()).contains("chmod 600");
        Path moved = dir.resolve("nokey-secret.key");
        Files.move(key, moved);
        audit = Cli.run("audit", "--store", store.toString());
        assertThat(audit.exitCode()).isEqualTo(ExitCodes.VERIFICATION_FAILED);
        assertThat(audit.out()).contains("no key file").contains(StoreKeys.ENV);
        Cli refused = Cli.run("forget", "--store", store.toString(), "--subject", "subject-8");
        assertThat(refused.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(refused.err()).contains("no key file");
        Cli rotate = Cli.run("keys", "rotate", "--store", store.toString());
        assertThat(rotate.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(rotate.err()).contains("no key file");
    }

    @Test
    void aRedactedReasonIsGoneFromTheLedgerBytesAndTheAuditStillPasses() throws Exception {
        Path store = copy("redact");
        forget(store);
        String id;
        try (Ledger ledger = Ledger.open(store.resolve("ledger.db"))) {
            id = ledger.list(null, 0, 1).get(0).id();
            assertThat(ledger.find(id).orElseThrow().reason()).isEqualTo(REASON);
        }
        // nothing has expired yet (30 days by default)
        Cli none = Cli.run("requests", "redact", "--store", store.toString(), "--all-expired");
        assertThat(none.exitCode()).as(none.err()).isZero();
        assertThat(none.out()).contains("0 expired reason(s) deleted");
        Cli redacted = Cli.run("requests", "redact", "--store", store.toString(), "--request", id);
        assertThat(redacted.exitCode()).as(redacted.err()).isZero();
        assertThat(redacted.out()).contains("reason of " + id + " deleted").doesNotContain("Jane");
        assertThat(allBytes(store)).doesNotContain("Jane Roe").doesNotContain("jane@example.com");
        auditPasses(store);
        // bad input is refused with a message
        Cli unknown = Cli.run("requests", "redact", "--store", store.toString(), "--request", "req-000000000000");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(unknown.err()).contains("no forget request req-000000000000");
        assertThat(Cli.run("requests", "redact", "--store", store.toString()).exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(Cli.run("requests", "redact", "--store", dir.resolve("absent").toString(), "--all-expired").exitCode())
                .isEqualTo(ExitCodes.BAD_INPUT);
    }

    @Test
    void requestsListAndShowTellEachRequestsStateAndReceiptWithoutTheErasedValues() throws Exception {
        Path store = copy("listing");
        assertThat(Cli.run("requests", "list", "--store", store.toString()).out()).contains("no requests");
        forget(store);
        Cli list = Cli.run("requests", "list", "--store", store.toString());
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()).contains("req-").contains("done").contains("subjects").contains("1 value(s)");
        JsonNode listed = JSON.readTree(Cli.run("requests", "list", "--store", store.toString(), "--status", "DONE", "--json").out());
        assertThat(listed).hasSize(1);
        String id = listed.get(0).get("id").asText();
        assertThat(listed.get(0).get("values")).as("a done request's raw values are erased").isEmpty();
        assertThat(JSON.readTree(Cli.run("requests", "list", "--store", store.toString(), "--status", "failed", "--json").out())).isEmpty();

        JsonNode shown = JSON.readTree(Cli.run("requests", "show", "--store", store.toString(), "--request", id, "--json").out());
        assertThat(shown.get("status").asText()).isEqualTo("done");
        assertThat(shown.get("reason").asText()).isEqualTo(REASON);
        assertThat(shown.at("/receipt/modelVersion").asInt()).as("the receipt as an object").isEqualTo(2);
        Cli text = Cli.run("requests", "show", "--store", store.toString(), "--request", id);
        assertThat(text.out()).contains(id).contains("receipt").doesNotContain(PERSON);

        Cli unknown = Cli.run("requests", "show", "--store", store.toString(), "--request", "req-000000000000");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(unknown.err()).contains("no request 'req-000000000000'").contains("lethe requests list");
        JsonNode info = JSON.readTree(Cli.run("store", "info", "--store", store.toString(), "--json").out());
        assertThat(info.get("kind").asText()).isEqualTo("sisa");
        assertThat(info.get("versions")).hasSize(2);
        assertThat(info.get("versions").get(1).asText()).startsWith("v2").contains("forgot 1 request(s) exactly");
        assertThat(info.get("requests").asInt()).isEqualTo(1);
        assertThat(info.get("pendingRequests")).isEmpty();
        assertThat(info.get("forgottenRecords").asInt()).isGreaterThanOrEqualTo(personRecords.size());
        assertThat(info.at("/ids/subjects").asText()).contains("subject-").contains("--subject");
        Cli badStatus = Cli.run("requests", "list", "--store", store.toString(), "--status", "finished");
        assertThat(badStatus.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(badStatus.err()).contains("accepted, running, done or failed");
    }

    @Test
    void aZeroRetentionDeletesTheReasonWhenTheRequestIsDone() throws Exception {
        Path store = copy("retention0");
        forget(store, "--reason-retention-days", "0");
        assertThat(allBytes(store)).doesNotContain("Jane Roe");
        auditPasses(store);
        Cli bad = Cli.run("forget", "--store", store.toString(), "--subject", "subject-8", "--reason-retention-days", "-1");
        assertThat(bad.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(bad.err()).contains("--reason-retention-days");
    }
}
