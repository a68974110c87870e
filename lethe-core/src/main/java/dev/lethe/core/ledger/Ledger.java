package dev.lethe.core.ledger;

import dev.lethe.core.keys.IdDigest;
import org.apache.commons.codec.digest.DigestUtils;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The durable ledger of forget requests and the audit trail of everything done about them ({@code ledger.db}
 * in a store, docs/ARCHITECTURE.md#the-store-and-its-invariants).
 *
 * <ul>
 *   <li>A request is durable before it is acknowledged: {@link #accept} commits the request and its
 *       {@code request.accepted} event in one transaction, with SQLite in WAL mode and {@code synchronous=FULL}.</li>
 *   <li>Deleted means deleted: {@link #complete} erases the request's raw values in the same transaction that
 *       marks it DONE (with {@code secure_delete} and a WAL truncation on SQLite); what remains is their
 *       count and digest. Audit events never hold raw values or free text, only digests of them.</li>
 *   <li>Every change appends an {@link AuditEvent} chained by hash; {@link #verifyChain()} detects an event
 *       edited, removed or re-hashed in place.</li>
 *   <li>Digests of ids are keyed with the store's secret ({@link IdDigest}), so that the permanent chain cannot be
 *       searched for a guessed id; the event {@value #KEY_EVENT} records which key is in force from then on.</li>
 *   <li>A request's free-text reason is personal data too: it is kept outside the chain, until
 *       {@link #reasonRetention} after the request finished (then deleted when a ledger is next opened), or until
 *       {@link #redactReason}.</li>
 * </ul>
 *
 * Plain JDBC and portable SQL, so the same code runs on PostgreSQL. Safe for the threads of one process
 * (every method holds the ledger's lock); several processes on one SQLite file wait on each other's writes.
 */
public final class Ledger implements AutoCloseable {

    /** How many values one request may name unless the ledger is opened with another limit. */
    public static final int DEFAULT_MAX_VALUES = 100_000;

    /** The principal of events the ledger's own workers cause (running, done, failed). */
    public static final String SYSTEM_PRINCIPAL = "lethe";

    /** How long a finished request's reason is kept unless the ledger is given another period. */
    public static final Duration DEFAULT_REASON_RETENTION = Duration.ofDays(30);

    /** The event that names (by id, never the key) the store key in force from that event on. */
    public static final String KEY_EVENT = "key.in-force";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Database db;
    private final int maxValues;
    private final SecureRandom random = new SecureRandom();
    private final Queue<Submission> queued = new ConcurrentLinkedQueue<>();
    private volatile Duration reasonRetention = DEFAULT_REASON_RETENTION;
    private int purgedOnOpen;

    private Ledger(Database db, int maxValues) {
        this.db = db;
        this.maxValues = maxValues;
    }

    /** Opens (creating when absent) a SQLite ledger file, with the default value limit. */
    public static Ledger open(Path sqliteFile) {
        return open(sqliteFile, DEFAULT_MAX_VALUES);
    }

    /** Opens (creating when absent) a SQLite ledger file whose requests may name at most {@code maxValues} values. */
    public static Ledger open(Path sqliteFile, int maxValues) {
        return open("jdbc:sqlite:" + sqliteFile.toAbsolutePath(), null, null, maxValues);
    }

    /** Opens (creating the schema when absent) a ledger at any JDBC URL, with the default value limit. */
    public static Ledger open(String jdbcUrl, String user, String password) {
        return open(jdbcUrl, user, password, DEFAULT_MAX_VALUES);
    }

    /** Opens (creating the schema when absent) a ledger at any JDBC URL; user and password may be null. */
    public static Ledger open(String jdbcUrl, String user, String password, int maxValues) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (maxValues < 1) {
            throw new IllegalArgumentException("maxValues must be at least 1, got " + maxValues);
        }
        Ledger ledger = new Ledger(Database.connect(jdbcUrl, user, password), maxValues);
        try {
            ledger.purgedOnOpen = ledger.purgeExpiredReasons();
        } catch (RuntimeException e) {
            ledger.close();
            throw e;
        }
        return ledger;
    }

    /**
     * Sets how long the reason of a request that finishes from now on is kept (default
     * {@link #DEFAULT_REASON_RETENTION}); zero deletes it when the request finishes.
     */
    public Ledger reasonRetention(Duration retention) {
        if (retention == null || retention.isNegative()) {
            throw new IllegalArgumentException("the reason retention must be zero or more days, got " + retention);
        }
        this.reasonRetention = retention;
        return this;
    }

    /**
     * Records a forget request and returns it once it is durable. A request that reuses the idempotency key of
     * an earlier one returns that earlier request, unchanged and without a second event, as long as it names
     * the same kind and values; otherwise {@link IdempotencyConflictException}.
     */
    public ForgetRequest accept(RequestSpec spec, String principal) {
        return submit(spec, principal).request();
    }

    /** {@link #accept} with the store's keyed digest of the values. */
    public ForgetRequest accept(RequestSpec spec, String principal, IdDigest digest) {
        return submit(spec, principal, digest).request();
    }

    /**
     * What {@link #submit} did: the request, and whether this call created it (false when an idempotency key
     * returned an earlier one).
     *
     * @param request the durable request
     * @param created true when this call accepted it, false when it is the original of a repeated key
     */
    public record Acceptance(ForgetRequest request, boolean created) {
    }

    /**
     * {@link #accept}, telling a new request from the original that a repeated idempotency key returns.
     *
     * <p>Group commit: concurrent callers share transactions. A caller queues its submission, then takes the
     * ledger's lock; whoever holds it commits every submission queued so far in one transaction (one fsync)
     * and the others find theirs done when they get the lock. Each call still returns only once its own
     * request is durable, and one submission's refusal (a conflicting idempotency key) does not affect the
     * others in its transaction; a failed commit fails every submission in it, none of them durable.
     */
    public Acceptance submit(RequestSpec spec, String principal) {
        return submit(spec, principal, IdDigest.PLAIN);
    }

    /**
     * {@link #submit(RequestSpec, String)} keeping {@code digest}'s digest of the values (the store's keyed digest,
     * {@link IdDigest#ofIds}); the one-argument form keeps a plain SHA-256 and is for ledgers outside a store.
     */
    public Acceptance submit(RequestSpec spec, String principal, IdDigest digest) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(digest, "digest");
        requireText(principal, "principal");
        if (spec.values().size() > maxValues) {
            throw new IllegalArgumentException("a request may name at most " + maxValues + " values, got "
                    + spec.values().size() + "; split it into several requests");
        }
        Submission mine = new Submission(spec, principal, digest);
        queued.add(mine);
        synchronized (this) {
            if (!mine.done) {
                List<Submission> batch = new ArrayList<>();
                for (Submission next; (next = queued.poll()) != null; ) {
                    batch.add(next);
                }
                commit(batch);
            }
        }
        if (mine.error != null) {
            throw mine.error;
        }
        return mine.result;
    }

    /** One caller's submission waiting for a group commit, and its outcome. */
    private static final class Submission {
        final RequestSpec spec;
        final String principal;
        final IdDigest digest;
        boolean done;
        Acceptance result;
        RuntimeException error;

        Submission(RequestSpec spec, String principal, IdDigest digest) {
            this.spec = spec;
            this.principal = principal;
            this.digest = digest;
        }
    }

    /** Commits {@code batch} in one transaction (the caller holds the lock). */
    private void commit(List<Submission> batch) {
        try {
            db.inTransaction(c -> {
                for (Submission s : batch) {
                    try {
                        s.result = submitIn(c, s.spec, s.principal, s.digest);
                    } catch (IdempotencyConflictException e) {
                        s.error = e; // refused before it wrote anything: the others go on
                    }
                }
                return null;
            });
        } catch (RuntimeException e) {
            for (Submission s : batch) {
                s.result = null;
                s.error = e;
            }
        } finally {
            for (Submission s : batch) {
                s.done = true;
            }
        }
    }

    private Acceptance submitIn(Connection c, RequestSpec spec, String principal, IdDigest idDigest) throws SQLException {
        String digest = idDigest.ofIds(spec.values());
        if (spec.idempotencyKey() != null) {
            Optional<ForgetRequest> earlier = Requests.byIdempotencyKey(c, spec.idempotencyKey());
            if (earlier.isPresent()) {
                ForgetRequest original = earlier.get();
                if (original.kind() != spec.kind() || !original.valuesDigest().equals(digest)) {
                    throw new IdempotencyConflictException(spec.idempotencyKey(), original.id());
                }
                return new Acceptance(original, false);
            }
        }
        Instant now = Timestamps.now();
        ForgetRequest request = new ForgetRequest(newId(), spec.kind(), spec.values(), spec.values().size(),
                digest, spec.reason(), principal, RequestStatus.ACCEPTED, now, null, null, null, null);
        Map<String, Object> payload = new java.util.HashMap<>(
                Map.of("kind", spec.kind().name(), "valuesCount", request.valuesCount(), "valuesDigest", digest));
        if (!idDigest.isPlain()) {
            payload.put("digestKey", idDigest.keyId());
        }
        AuditEvent event = AuditChain.append(c, Timestamps.format(now), "request.accepted", request.id(), principal, payload);
        Requests.insert(c, request, spec.idempotencyKey(), event.seq());
        return new Acceptance(request, true);
    }

    /** The request with this id, if the ledger has one. */
    public synchronized Optional<ForgetRequest> find(String id) {
        return db.read(c -> Requests.byId(c, id));
    }

    /** A page of requests in acceptance order, all of them or those with {@code statusOrNull}. */
    public synchronized List<ForgetRequest> list(RequestStatus statusOrNull, int offset, int limit) {
        if (offset < 0 || limit < 1) {
            throw new IllegalArgumentException("offset must be >= 0 and limit >= 1, got offset " + offset
                    + " and limit " + limit);
        }
        RequestStatus[] statuses = statusOrNull == null ? new RequestStatus[0] : new RequestStatus[]{statusOrNull};
        return db.read(c -> Requests.list(c, offset, limit, statuses));
    }

    /** ACCEPTED and RUNNING requests in acceptance order: what a restarted worker must resume. */
    public synchronized List<ForgetRequest> pending() {
        return db.read(c -> Requests.list(c, 0, Integer.MAX_VALUE, RequestStatus.ACCEPTED, RequestStatus.RUNNING));
    }

    /**
     * Marks requests RUNNING in worker batch {@code batchId}, all or none. A RUNNING request may be marked again
     * (a restarted worker resumes it in a new batch); one already RUNNING in the same batch is left as it is, so a
     * batch retried after a failure adds no second {@code request.running} event to the permanent chain.
     */
    public synchronized void markRunning(Collection<String> ids, String batchId) {
        Objects.requireNonNull(ids, "ids");
        requireText(batchId, "batchId");
        db.inTransaction(c -> {
            for (String id : ids) {
                ForgetRequest r = require(c, id, "marked RUNNING", RequestStatus.ACCEPTED, RequestStatus.RUNNING);
                if (r.status() == RequestStatus.RUNNING && batchId.equals(r.batchId())) {
                    continue;
                }
                Requests.update(c, id, RequestStatus.RUNNING, null, batchId, null, null);
                AuditChain.append(c, Timestamps.format(Timestamps.now()), "request.running", id, SYSTEM_PRINCIPAL,
                        Map.of("batchId", batchId));
            }
            return null;
        });
    }

    /**
     * Marks a RUNNING request DONE with its receipt, and erases its raw values in the same transaction. The
     * event {@code request.done} carries the receipt's SHA-256 and the values' count and digest. The receipt
     * must be JSON and must not repeat the erased values (that is the caller's duty: the ledger stores it as is).
     */
    public synchronized void complete(String id, String receiptJson) {
        completeAll(Map.of(id, receiptJson));
    }

    /**
     * {@link #complete} for several RUNNING requests (request id → receipt JSON, in the map's order) in one
     * transaction and one WAL truncation: a batch's requests become DONE together, or none of them does.
     */
    public synchronized void completeAll(Map<String, String> receipts) {
        receipts.values().forEach(Ledger::requireJson);
        db.inTransaction(c -> {
            for (Map.Entry<String, String> e : receipts.entrySet()) {
                String id = e.getKey();
                ForgetRequest r = require(c, id, "completed", RequestStatus.RUNNING);
                Instant now = Timestamps.now();
                Requests.update(c, id, RequestStatus.DONE, now, null, e.getValue(), null);
                Requests.deleteValues(c, id);
                Requests.expireReason(c, id, now.plus(reasonRetention));
                AuditChain.append(c, Timestamps.format(now), "request.done", id, SYSTEM_PRINCIPAL, Map.of(
                        "receiptSha256", DigestUtils.sha256Hex(e.getValue()),
                        "valuesCount", r.valuesCount(),
                        "valuesDigest", r.valuesDigest()));
            }
            purgeExpiredIn(c); // a long-running server's ledger stays open: its writes purge too
            return null;
        });
        db.truncateWal();
    }

    /**
     * Marks an ACCEPTED or RUNNING request FAILED. Its raw values stay, so that an operator can resubmit them.
     * The reason is kept on the request; the event carries only its SHA-256, because a worker's message may quote
     * record ids and the audit chain can never be edited.
     */
    public synchronized void fail(String id, String reason) {
        requireText(reason, "reason");
        db.inTransaction(c -> {
            require(c, id, "failed", RequestStatus.ACCEPTED, RequestStatus.RUNNING);
            Instant now = Timestamps.now();
            Requests.update(c, id, RequestStatus.FAILED, now, null, null, reason);
            Requests.expireReason(c, id, now.plus(reasonRetention));
            AuditChain.append(c, Timestamps.format(now), "request.failed", id, SYSTEM_PRINCIPAL,
                    Map.of("reasonSha256", DigestUtils.sha256Hex(reason)));
            return null;
        });
    }

    /**
     * Appends an event for another component (for example {@code model.switched}, {@code store.purged}) in its
     * own transaction. The payload is written as canonical JSON; it must not contain raw record or subject ids,
     * since no event can ever be removed.
     */
    public synchronized AuditEvent append(String type, String requestIdOrNull, String principal,
                                          Map<String, ?> payload) {
        requireText(type, "type");
        requireText(principal, "principal");
        Objects.requireNonNull(payload, "payload");
        return db.inTransaction(c -> AuditChain.append(c, Timestamps.format(Timestamps.now()), type, requestIdOrNull,
                principal, payload));
    }

    /**
     * Deletes the free-text reason of request {@code id} now, before its retention ends, and records that it did
     * (the event names the request, never the text). Returns false when the request has no reason left.
     */
    public synchronized boolean redactReason(String id) {
        boolean deleted = db.inTransaction(c -> {
            Requests.byId(c, id).orElseThrow(() -> new IllegalArgumentException("no forget request " + id));
            if (!Requests.deleteReason(c, id)) {
                return false;
            }
            AuditChain.append(c, Timestamps.format(Timestamps.now()), "request.reason-redacted", id, SYSTEM_PRINCIPAL, Map.of());
            return true;
        });
        db.truncateWal();
        return deleted;
    }

    /**
     * Deletes every reason whose retention has ended (done automatically when a ledger is opened); returns how many.
     * The event {@code reasons.purged} records the count.
     */
    public synchronized int purgeExpiredReasons() {
        int purged = db.inTransaction(Ledger::purgeExpiredIn);
        if (purged > 0) {
            db.truncateWal();
        }
        return purged;
    }

    /** How many expired reasons opening this ledger deleted. */
    public int purgedOnOpen() {
        return purgedOnOpen;
    }

    private static int purgeExpiredIn(Connection c) throws SQLException {
        int n = Requests.deleteExpiredReasons(c, Timestamps.now());
        if (n > 0) {
            AuditChain.append(c, Timestamps.format(Timestamps.now()), "reasons.purged", null, SYSTEM_PRINCIPAL, Map.of("count", n));
        }
        return n;
    }

    /**
     * The id of the store key in force, as the newest {@value #KEY_EVENT} event names it; empty for a ledger whose
     * digests are plain (never keyed).
     */
    public synchronized Optional<String> digestKeyInForce() {
        return db.read(c -> AuditChain.lastOfType(c, KEY_EVENT).map(Ledger::keyIdOf));
    }

    /**
     * A key rotation's step in the ledger: in one transaction, passes every request's values digest through
     * {@code rekey} and appends {@value #KEY_EVENT} naming {@code toKeyId}. Does nothing (returns 0) when that key is
     * already in force, so a resumed rotation is not applied twice. {@code fromKeyId} (null: plain) must be the key
     * in force. Returns how many digests it re-keyed.
     */
    public synchronized int rekeyRequests(java.util.function.UnaryOperator<String> rekey, String fromKeyId, String toKeyId) {
        requireText(toKeyId, "toKeyId");
        return db.inTransaction(c -> {
            String inForce = AuditChain.lastOfType(c, KEY_EVENT).map(Ledger::keyIdOf).orElse(null);
            if (toKeyId.equals(inForce)) {
                return 0;
            }
            if (!Objects.equals(fromKeyId, inForce)) {
                throw new LedgerException("the ledger's digests were made with key " + (inForce == null ? "(plain)" : inForce)
                        + ", not " + (fromKeyId == null ? "(plain)" : fromKeyId) + ": this ledger belongs to another store or key");
            }
            Map<String, String> digests = Requests.digests(c);
            digests.replaceAll((id, d) -> rekey.apply(d));
            Requests.setDigests(c, digests);
            Map<String, Object> payload = new java.util.LinkedHashMap<>();
            payload.put("keyId", toKeyId);
            payload.put("previousKeyId", fromKeyId == null ? "plain" : fromKeyId);
            payload.put("requestDigestsRekeyed", digests.size());
            AuditChain.append(c, Timestamps.format(Timestamps.now()), KEY_EVENT, null, SYSTEM_PRINCIPAL, payload);
            return digests.size();
        });
    }

    private static String keyIdOf(AuditEvent event) {
        try {
            return JSON.readTree(event.payload()).path("keyId").asText(null);
        } catch (JsonProcessingException e) {
            throw new LedgerException("event " + event.seq() + " (" + KEY_EVENT + ") has a payload that is not JSON", e);
        }
    }

    /** Every audit event, oldest first. */
    public synchronized List<AuditEvent> events() {
        return db.read(AuditChain::all);
    }

    /** The newest event, if any: its hash is the head of the chain, which stores keep outside the ledger. */
    public synchronized Optional<AuditEvent> head() {
        return db.read(AuditChain::last);
    }

    /** Whether an event with this hash is in the chain (a head kept elsewhere must still be there). */
    public synchronized boolean containsHash(String hash) {
        return db.read(c -> AuditChain.containsHash(c, hash));
    }

    /**
     * Recomputes every event's hash and link. Detects events edited, removed from the middle or re-hashed in
     * place; not the removal of the newest events, nor a chain rewritten from start to end (compare the last
     * hash with one kept elsewhere for that).
     */
    public synchronized ChainCheck verifyChain() {
        return db.read(AuditChain::verify);
    }

    @Override
    public synchronized void close() {
        db.close();
    }

    private static ForgetRequest require(Connection c, String id, String action, RequestStatus... allowed)
            throws SQLException {
        ForgetRequest r = Requests.byId(c, id)
                .orElseThrow(() -> new IllegalArgumentException("no forget request " + id));
        for (RequestStatus s : allowed) {
            if (r.status() == s) {
                return r;
            }
        }
        throw new IllegalStateException("request " + id + " is " + r.status() + "; only " + List.of(allowed)
                + " requests can be " + action);
    }

    private String newId() {
        byte[] bytes = new byte[6];
        random.nextBytes(bytes);
        return "req-" + HexFormat.of().formatHex(bytes);
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
    }

    private static void requireJson(String json) {
        requireText(json, "receiptJson");
        try {
            JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("receiptJson is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }
}
