package dev.lethe.core.ledger;

import org.apache.commons.codec.digest.DigestUtils;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The SQL and the hashing of the audit trail ({@link AuditEvent} describes the chain). Callers own the transaction. */
final class AuditChain {

    static final String GENESIS = "0".repeat(64);

    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private static final String COLUMNS = "seq, at, type, request_id, principal, payload, prev_hash, hash";

    private AuditChain() {
    }

    static String hash(String prevHash, long seq, String at, String type, String requestId, String principal,
                       String payload) {
        return DigestUtils.sha256Hex(prevHash + '\n' + seq + '\n' + at + '\n' + type + '\n' + (requestId == null ? "" : requestId)
                + '\n' + principal + '\n' + payload);
    }

    static String canonicalJson(Map<String, ?> payload) {
        try {
            return CANONICAL.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit payload cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Appends one event after the last one, inside the caller's transaction. */
    static AuditEvent append(Connection c, String at, String type, String requestId, String principal,
                             Map<String, ?> payload) throws SQLException {
        long seq = 1;
        String prevHash = GENESIS;
        try (PreparedStatement last = c.prepareStatement("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1");
             ResultSet rs = last.executeQuery()) {
            if (rs.next()) {
                seq = rs.getLong(1) + 1;
                prevHash = rs.getString(2);
            }
        }
        String json = canonicalJson(payload);
        AuditEvent event = new AuditEvent(seq, at, type, requestId, principal, json, prevHash,
                hash(prevHash, seq, at, type, requestId, principal, json));
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO events (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setLong(1, event.seq());
            insert.setString(2, event.at());
            insert.setString(3, event.type());
            insert.setString(4, event.requestId());
            insert.setString(5, event.principal());
            insert.setString(6, event.payload());
            insert.setString(7, event.prevHash());
            insert.setString(8, event.hash());
            insert.executeUpdate();
        }
        return event;
    }

    static List<AuditEvent> all(Connection c) throws SQLException {
        List<AuditEvent> events = new ArrayList<>();
        try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + " FROM events ORDER BY seq");
             ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                events.add(read(rs));
            }
        }
        return events;
    }

    static java.util.Optional<AuditEvent> last(Connection c) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + " FROM events ORDER BY seq DESC LIMIT 1");
             ResultSet rs = select.executeQuery()) {
            return rs.next() ? java.util.Optional.of(read(rs)) : java.util.Optional.empty();
        }
    }

    /** The newest event of type {@code type}, if any. */
    static java.util.Optional<AuditEvent> lastOfType(Connection c, String type) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM events WHERE type = ? ORDER BY seq DESC LIMIT 1")) {
            select.setString(1, type);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? java.util.Optional.of(read(rs)) : java.util.Optional.empty();
            }
        }
    }

    static boolean containsHash(Connection c, String hash) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT COUNT(*) FROM events WHERE hash = ?")) {
            select.setString(1, hash);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() && rs.getLong(1) > 0;
            }
        }
    }

    /** Walks the chain from seq 1, stopping at the first event whose number, link or hash is wrong. */
    static ChainCheck verify(Connection c) throws SQLException {
        long expectedSeq = 1;
        String expectedPrev = GENESIS;
        int checked = 0;
        try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + " FROM events ORDER BY seq");
             ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                AuditEvent e = read(rs);
                checked++;
                if (e.seq() != expectedSeq) {
                    return ChainCheck.broken(checked, e.seq(), "event seq " + e.seq() + " found where seq " + expectedSeq
                            + " was expected: " + (e.seq() > expectedSeq ? "events were deleted" : "seq was altered"));
                }
                if (!expectedPrev.equals(e.prevHash())) {
                    return ChainCheck.broken(checked, e.seq(), "event seq " + e.seq()
                            + " has a prev_hash that is not the hash of the event before it");
                }
                if (!e.computeHash().equals(e.hash())) {
                    return ChainCheck.broken(checked, e.seq(), "event seq " + e.seq()
                            + " has a hash that does not match its contents (edited)");
                }
                expectedSeq++;
                expectedPrev = e.hash();
            }
        }
        return ChainCheck.intact(checked);
    }

    private static AuditEvent read(ResultSet rs) throws SQLException {
        return new AuditEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8));
    }
}
