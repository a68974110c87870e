package dev.lethe.core.ledger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LedgerRequestsTest {

    @TempDir
    Path dir;

    private Ledger ledger;

    @BeforeEach
    void open() {
        ledger = Ledger.open(dir.resolve("ledger.db"));
    }

    @AfterEach
    void close() {
        ledger.close();
    }

    private static RequestSpec records(String... ids) {
        return new RequestSpec(ForgetKind.RECORDS, List.of(ids), null, null);
    }

    static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anAcceptedRequestIsFoundWithItsValuesCountAndDigest() throws Exception {
        // Given a request naming two subjects
        RequestSpec spec = new RequestSpec(ForgetKind.SUBJECTS, List.of("subj-b", "subj-a"), "art. 17", null);

        // When it is accepted
        Instant before = Instant.now();
        ForgetRequest accepted = ledger.accept(spec, "alice");

        // Then it is ACCEPTED, has a random id, keeps the values in order, and digests them sorted
        assertThat(accepted.id()).matches("req-[0-9a-f]{12}");
        assertThat(accepted.status()).isEqualTo(RequestStatus.ACCEPTED);
        assertThat(accepted.values()).containsExactly("subj-b", "subj-a");
        assertThat(accepted.valuesCount()).isEqualTo(2);
        assertThat(accepted.valuesDigest()).isEqualTo(sha256("subj-a\nsubj-b"));
        assertThat(accepted.reason()).isEqualTo("art. 17");
        assertThat(accepted.principal()).isEqualTo("alice");
        assertThat(accepted.acceptedAt()).isCloseTo(before, within(Duration.ofSeconds(5)));
        assertThat(accepted.completedAt()).isNull();
        assertThat(ledger.find(accepted.id())).contains(accepted);
        assertThat(ledger.find("req-000000000000")).isEmpty();
    }

    @Test
    void listPagesInAcceptanceOrderAndFiltersByStatus() {
        // Given five requests, the second of them running
        List<String> ids = IntStream.range(0, 5).mapToObj(i -> ledger.accept(records("rec-" + i), "alice").id()).toList();
        ledger.markRunning(List.of(ids.get(1)), "batch-1");

        // When pages and one status are listed
        List<String> all = ledger.list(null, 0, 10).stream().map(ForgetRequest::id).toList();
        List<String> page = ledger.list(null, 1, 2).stream().map(ForgetRequest::id).toList();
        List<ForgetRequest> running = ledger.list(RequestStatus.RUNNING, 0, 10);
        List<String> accepted = ledger.list(RequestStatus.ACCEPTED, 0, 10).stream().map(ForgetRequest::id).toList();

        // Then acceptance order holds throughout
        assertThat(all).isEqualTo(ids);
        assertThat(page).containsExactly(ids.get(1), ids.get(2));
        assertThat(running).extracting(ForgetRequest::id).containsExactly(ids.get(1));
        assertThat(running.get(0).batchId()).isEqualTo("batch-1");
        assertThat(accepted).containsExactly(ids.get(0), ids.get(2), ids.get(3), ids.get(4));
        assertThatThrownBy(() -> ledger.list(null, -1, 10)).hasMessageContaining("offset");
    }

    @Test
    void pendingIsAcceptedAndRunningInAcceptanceOrder() {
        // Given one request in each status
        ForgetRequest accepted = ledger.accept(records("rec-1"), "alice");
        ForgetRequest running = ledger.accept(records("rec-2"), "alice");
        ForgetRequest done = ledger.accept(records("rec-3"), "alice");
        ForgetRequest failed = ledger.accept(records("rec-4"), "alice");
        ForgetRequest runningToo = ledger.accept(records("rec-5"), "alice");
        ledger.markRunning(List.of(runningToo.id(), running.id(), done.id()), "batch-1");
        ledger.complete(done.id(), "{\"ok\":true}");
        ledger.fail(failed.id(), "shard 3 checkpoint missing");

        // When a restarted worker asks what to resume
        List<ForgetRequest> pending = ledger.pending();

        // Then it gets the accepted and running ones, oldest first
        assertThat(pending).extracting(ForgetRequest::id).containsExactly(accepted.id(), running.id(), runningToo.id());
        assertThat(pending).extracting(ForgetRequest::status)
                .containsExactly(RequestStatus.ACCEPTED, RequestStatus.RUNNING, RequestStatus.RUNNING);
    }

    @Test
    void aRepeatedIdempotencyKeyReturnsTheOriginalRequest() {
        // Given a request accepted with a key
        RequestSpec spec = new RequestSpec(ForgetKind.RECORDS, List.of("rec-1", "rec-2"), null, "key-1");
        ForgetRequest first = ledger.accept(spec, "alice");

        // When the same submission arrives again, values in another order
        ForgetRequest again = ledger.accept(new RequestSpec(ForgetKind.RECORDS, List.of("rec-2", "rec-1"), null, "key-1"), "alice");

        // Then the original comes back and nothing new is written
        assertThat(again).isEqualTo(first);
        assertThat(ledger.list(null, 0, 10)).containsExactly(first);
        assertThat(ledger.events()).extracting(AuditEvent::type).containsExactly("request.accepted");
    }

    @Test
    void submitTellsANewRequestFromTheOriginalOfARepeatedKey() {
        RequestSpec spec = new RequestSpec(ForgetKind.SUBJECTS, List.of("subj-1"), null, "key-9");
        Ledger.Acceptance first = ledger.submit(spec, "alice");
        Ledger.Acceptance again = ledger.submit(spec, "alice");
        Ledger.Acceptance unkeyed = ledger.submit(new RequestSpec(ForgetKind.SUBJECTS, List.of("subj-1"), null, null), "alice");
        assertThat(first.created()).isTrue();
        assertThat(again.created()).isFalse();
        assertThat(again.request()).isEqualTo(first.request());
        assertThat(unkeyed.created()).isTrue();
        assertThat(unkeyed.request().id()).isNotEqualTo(first.request().id());
    }

    @Test
    void anIdempotencyKeyReusedForOtherValuesIsRefused() {
        // Given a request accepted with a key
        ForgetRequest first = ledger.accept(new RequestSpec(ForgetKind.RECORDS, List.of("rec-1"), null, "key-1"), "alice");

        // When the key comes back with other values, Then the ledger refuses and names the original
        assertThatThrownBy(() -> ledger.accept(new RequestSpec(ForgetKind.RECORDS, List.of("rec-2"), null, "key-1"), "alice"))
                .isInstanceOf(IdempotencyConflictException.class)
                .hasMessageContaining("key-1")
                .hasMessageContaining(first.id())
                .extracting(e -> ((IdempotencyConflictException) e).originalRequestId()).isEqualTo(first.id());
        assertThat(ledger.list(null, 0, 10)).hasSize(1);
    }

    @Test
    void completingStoresTheReceiptAndLogsItsDigest() throws Exception {
        // Given a running request
        ForgetRequest r = ledger.accept(records("rec-1", "rec-2"), "alice");
        ledger.markRunning(List.of(r.id()), "batch-7");
        String receipt = "{\"shardsRetrained\":[2],\"modelVersion\":5}";

        // When it completes
        ledger.complete(r.id(), receipt);

        // Then it is DONE with its receipt, and the events tell the story with the receipt's SHA-256
        ForgetRequest done = ledger.find(r.id()).orElseThrow();
        assertThat(done.status()).isEqualTo(RequestStatus.DONE);
        assertThat(done.receiptJson()).isEqualTo(receipt);
        assertThat(done.completedAt()).isAfterOrEqualTo(done.acceptedAt());
        assertThat(done.batchId()).isEqualTo("batch-7");
        List<AuditEvent> events = ledger.events();
        assertThat(events).extracting(AuditEvent::type).containsExactly("request.accepted", "request.running", "request.done");
        assertThat(events).extracting(AuditEvent::requestId).containsOnly(r.id());
        assertThat(events.get(1).payload()).isEqualTo("{\"batchId\":\"batch-7\"}");
        assertThat(events.get(2).payload()).isEqualTo("{\"receiptSha256\":\"" + sha256(receipt)
                + "\",\"valuesCount\":2,\"valuesDigest\":\"" + r.valuesDigest() + "\"}");
        assertThat(events.get(2).principal()).isEqualTo(Ledger.SYSTEM_PRINCIPAL);
    }

    @Test
    void failingKeepsTheReasonOnTheRequestAndOnlyItsDigestInTheChain() throws Exception {
        // Given an accepted request
        ForgetRequest r = ledger.accept(records("rec-1"), "alice");

        // When it fails with a message that quotes a record id
        ledger.fail(r.id(), "rec-1 not in the training set");

        // Then the request holds the message and its values; the event only the message's digest
        ForgetRequest failed = ledger.find(r.id()).orElseThrow();
        assertThat(failed.status()).isEqualTo(RequestStatus.FAILED);
        assertThat(failed.failure()).isEqualTo("rec-1 not in the training set");
        assertThat(failed.values()).containsExactly("rec-1");
        assertThat(failed.completedAt()).isNotNull();
        AuditEvent event = ledger.events().get(1);
        assertThat(event.type()).isEqualTo("request.failed");
        assertThat(event.payload()).isEqualTo("{\"reasonSha256\":\"" + sha256("rec-1 not in the training set") + "\"}");
    }

    @Test
    void transitionsOutOfOrderAreRefusedWithTheRequestAndItsStatusNamed() {
        // Given an accepted request and a done one
        ForgetRequest accepted = ledger.accept(records("rec-1"), "alice");
        ForgetRequest done = ledger.accept(records("rec-2"), "alice");
        ledger.markRunning(List.of(done.id()), "b1");
        ledger.complete(done.id(), "{}");
        int eventsBefore = ledger.events().size();

        // When transitions are tried that the status does not allow, Then each is refused
        assertThatThrownBy(() -> ledger.complete(accepted.id(), "{}"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(accepted.id()).hasMessageContaining("is ACCEPTED");
        assertThatThrownBy(() -> ledger.complete(done.id(), "{}"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(done.id()).hasMessageContaining("is DONE");
        assertThatThrownBy(() -> ledger.fail(done.id(), "late"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("is DONE");
        assertThatThrownBy(() -> ledger.complete("req-ffffffffffff", "{}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("req-ffffffffffff");

        // And a batch with one refused member changes none of them
        assertThatThrownBy(() -> ledger.markRunning(List.of(accepted.id(), done.id()), "b2"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(done.id());
        assertThat(ledger.find(accepted.id()).orElseThrow().status()).isEqualTo(RequestStatus.ACCEPTED);
        assertThat(ledger.events()).hasSize(eventsBefore);
    }

    @Test
    void aReceiptThatIsNotJsonIsRefusedAndTheRequestStaysRunning() {
        // Given a running request
        ForgetRequest r = ledger.accept(records("rec-1"), "alice");
        ledger.markRunning(List.of(r.id()), "b1");

        // When it is completed with a broken receipt, Then that is refused and nothing changes
        assertThatThrownBy(() -> ledger.complete(r.id(), "{\"ok\": true} trailing"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("receiptJson is not valid JSON");
        assertThat(ledger.find(r.id()).orElseThrow().status()).isEqualTo(RequestStatus.RUNNING);
    }

    @Test
    void invalidSpecsAreRefusedWithMessagesThatNameThePositionNotTheValue() {
        // Given / When / Then: each malformed spec is refused on construction
        assertThatThrownBy(() -> new RequestSpec(ForgetKind.RECORDS, List.of(), null, null))
                .hasMessage("a forget request needs at least one value");
        assertThatThrownBy(() -> new RequestSpec(ForgetKind.RECORDS, List.of("rec-1", " "), null, null))
                .hasMessage("values[1] is blank");
        assertThatThrownBy(() -> new RequestSpec(ForgetKind.SUBJECTS, List.of("s-1", "s-2", "s-1"), null, null))
                .hasMessage("values[2] repeats values[0]");
        assertThatThrownBy(() -> new RequestSpec(ForgetKind.SUBJECTS, List.of("s-1\ns-2"), null, null))
                .hasMessage("values[0] contains a line break");
        assertThatThrownBy(() -> new RequestSpec(ForgetKind.LABEL, List.of("cat", "dog"), null, null))
                .hasMessage("a LABEL request takes exactly one label name, got 2");
        assertThatThrownBy(() -> new RequestSpec(null, List.of("x"), null, null))
                .hasMessageContaining("kind is required");
        assertThatThrownBy(() -> new RequestSpec(ForgetKind.RECORDS, List.of("x"), null, ""))
                .hasMessageContaining("idempotencyKey is blank");
    }

    @Test
    void theLedgerRefusesMoreValuesThanItsLimitAndWritesNothing() {
        // Given a ledger that allows three values per request
        try (Ledger small = Ledger.open(dir.resolve("small.db"), 3)) {
            // When four are submitted, Then the request is refused and nothing is recorded
            assertThatThrownBy(() -> small.accept(records("a", "b", "c", "d"), "alice"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("a request may name at most 3 values, got 4; split it into several requests");
            assertThatThrownBy(() -> small.accept(records("a"), " "))
                    .hasMessage("principal is required");
            assertThat(small.list(null, 0, 10)).isEmpty();
            assertThat(small.events()).isEmpty();
            assertThat(small.accept(records("a", "b", "c"), "alice").valuesCount()).isEqualTo(3);
        }
    }

    @Test
    void threadsAcceptingAtOnceGetDistinctRequestsAndAnIntactChain() throws Exception {
        // Given four threads
        ExecutorService pool = Executors.newFixedThreadPool(4);
        Set<String> ids = ConcurrentHashMap.newKeySet();
        try {
            // When each accepts 25 requests
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        ids.add(ledger.accept(records("rec-" + thread + "-" + i), "worker-" + thread).id());
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }

        // Then there are 100 requests, 100 events, and the chain holds
        assertThat(ids).hasSize(100);
        assertThat(ledger.list(null, 0, 1000)).hasSize(100);
        assertThat(ledger.verifyChain()).isEqualTo(new ChainCheck(true, 100, null, null));
    }

    @Test
    void concurrentSubmissionsSharingCommitsKeepTheirOwnOutcomes() throws Exception {
        // Given one request already accepted under key "k-0"
        ForgetRequest first = ledger.accept(new RequestSpec(ForgetKind.RECORDS, List.of("r-0"), null, "k-0"), "client");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        Set<String> created = ConcurrentHashMap.newKeySet();
        Set<String> repeats = ConcurrentHashMap.newKeySet();
        Set<String> conflicts = ConcurrentHashMap.newKeySet();
        try {
            // When 8 threads submit at once: new keys, repeats of k-0 (same values) and conflicts on k-0 (other values)
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        if (i % 10 == 3) {
                            repeats.add(ledger.submit(new RequestSpec(ForgetKind.RECORDS, List.of("r-0"), null, "k-0"), "client")
                                    .request().id());
                        } else if (i % 10 == 7) {
                            try {
                                ledger.submit(new RequestSpec(ForgetKind.RECORDS, List.of("other"), null, "k-0"), "client");
                            } catch (IdempotencyConflictException e) {
                                conflicts.add(thread + "/" + i);
                            }
                        } else {
                            Ledger.Acceptance a = ledger.submit(new RequestSpec(ForgetKind.RECORDS, List.of("r-" + thread + "-" + i), null,
                                    "k-" + thread + "-" + i), "client");
                            assertThat(a.created()).isTrue();
                            created.add(a.request().id());
                        }
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }

        // Then every new submission is its own durable request, every repeat returns the original, every conflict is refused
        assertThat(created).hasSize(8 * 32);
        assertThat(repeats).containsExactly(first.id());
        assertThat(conflicts).hasSize(8 * 4);
        assertThat(ledger.list(null, 0, 1000)).hasSize(1 + 8 * 32);
        assertThat(ledger.verifyChain()).isEqualTo(new ChainCheck(true, 1 + 8 * 32, null, null));
    }
}
