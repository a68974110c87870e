package dev.lethe.core.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** The SQL of the {@code requests}, {@code request_values} and {@code request_reasons} tables. Callers own the transaction. */
final class Requests {

    private static final String COLUMNS = "requests.id, kind, values_count, values_digest, request_reasons.reason, principal,"
            + " status, accepted_at, completed_at, batch_id, receipt_json, failure";

    /** Requests with the reason, while it is kept. */
    private static final String FROM = " FROM requests LEFT JOIN request_reasons ON request_reasons.request_id = requests.id";

    private Requests() {
    }

    static void insert(Connection c, ForgetRequest r, String idempotencyKey, long acceptedSeq) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO requests (id, accepted_seq, kind, values_count,"
                + " values_digest, principal, idempotency_key, status, accepted_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, r.id());
            insert.setLong(2, acceptedSeq);
            insert.setString(3, r.kind().name());
            insert.setInt(4, r.valuesCount());
            insert.setString(5, r.valuesDigest());
            insert.setString(6, r.principal());
            insert.setString(7, idempotencyKey);
            insert.setString(8, r.status().name());
            insert.setString(9, Timestamps.format(r.acceptedAt()));
            insert.executeUpdate();
        }
        if (r.reason() != null) {
            keepReason(c, r.id(), r.reason(), null);
        }
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO request_values (request_id, ordinal, raw_value) VALUES (?, ?, ?)")) {
            List<String> values = r.values();
            for (int i = 0; i < values.size(); i++) {
                insert.setString(1, r.id());
                insert.setInt(2, i);
                insert.setString(3, values.get(i));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    static Optional<ForgetRequest> byId(Connection c, String id) throws SQLException {
        return first(c, "SELECT " + COLUMNS + FROM + " WHERE requests.id = ?", id);
    }

    static Optional<ForgetRequest> byIdempotencyKey(Connection c, String key) throws SQLException {
        return first(c, "SELECT " + COLUMNS + FROM + " WHERE idempotency_key = ?", key);
    }

    /** Requests in acceptance order, filtered to {@code statuses} (all when none given). */
    static List<ForgetRequest> list(Connection c, int offset, int limit, RequestStatus... statuses)
            throws SQLException {
        String where = statuses.length == 0 ? ""
                : " WHERE status IN (" + String.join(", ", Collections.nCopies(statuses.length, "?")) + ")";
        try (PreparedStatement select = c.prepareStatement(
                "SELECT " + COLUMNS + FROM + where + " ORDER BY accepted_seq LIMIT ? OFFSET ?")) {
            int p = 1;
            for (RequestStatus s : statuses) {
                select.setString(p++, s.name());
            }
            select.setInt(p++, limit);
            select.setInt(p, offset);
            return readAll(c, select);
        }
    }

    /** Sets the status and the columns that go with it; null arguments leave a column unchanged. */
    static void update(Connection c, String id, RequestStatus status, Instant completedAt, String batchId,
                       String receiptJson, String failure) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE requests SET status = ?,"
                + " completed_at = COALESCE(?, completed_at), batch_id = COALESCE(?, batch_id),"
                + " receipt_json = COALESCE(?, receipt_json), failure = COALESCE(?, failure) WHERE id = ?")) {
            update.setString(1, status.name());
            update.setString(2, completedAt == null ? null : Timestamps.format(completedAt));
            update.setString(3, batchId);
            update.setString(4, receiptJson);
            update.setString(5, failure);
            update.setString(6, id);
            update.executeUpdate();
        }
    }

    static void deleteValues(Connection c, String id) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM request_values WHERE request_id = ?")) {
            delete.setString(1, id);
            delete.executeUpdate();
        }
    }

    /** Keeps a request's free-text reason, until {@code expiresAt} (formatted; null: until the request finishes). */
    static void keepReason(Connection c, String id, String reason, String expiresAt) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO request_reasons (request_id, reason, expires_at) VALUES (?, ?, ?)")) {
            insert.setString(1, id);
            insert.setString(2, reason);
            insert.setString(3, expiresAt);
            insert.executeUpdate();
        }
    }

    /** Starts the retention of a finished request's reason: it expires at {@code expiresAt}. */
    static void expireReason(Connection c, String id, Instant expiresAt) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE request_reasons SET expires_at = ? WHERE request_id = ?")) {
            update.setString(1, Timestamps.format(expiresAt));
            update.setString(2, id);
            update.executeUpdate();
        }
    }

    /** Deletes one request's reason; whether it had one. */
    static boolean deleteReason(Connection c, String id) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM request_reasons WHERE request_id = ?")) {
            delete.setString(1, id);
            return delete.executeUpdate() > 0;
        }
    }

    /** Deletes every reason whose retention ended at or before {@code now}; how many. */
    static int deleteExpiredReasons(Connection c, Instant now) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement(
                "DELETE FROM request_reasons WHERE expires_at IS NOT NULL AND expires_at <= ?")) {
            delete.setString(1, Timestamps.format(now));
            return delete.executeUpdate();
        }
    }

    /** Every request's values digest, by request id. */
    static java.util.Map<String, String> digests(Connection c) throws SQLException {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        try (PreparedStatement select = c.prepareStatement("SELECT id, values_digest FROM requests ORDER BY accepted_seq");
             ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    /** Replaces the values digests of the given requests (request id → digest). */
    static void setDigests(Connection c, java.util.Map<String, String> digests) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE requests SET values_digest = ? WHERE id = ?")) {
            for (java.util.Map.Entry<String, String> e : digests.entrySet()) {
                update.setString(1, e.getValue());
                update.setString(2, e.getKey());
                update.addBatch();
            }
            update.executeBatch();
        }
    }

    private static Optional<ForgetRequest> first(Connection c, String sql, String arg) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(sql)) {
            select.setString(1, arg);
            return readAll(c, select).stream().findFirst();
        }
    }

    private static List<ForgetRequest> readAll(Connection c, PreparedStatement select) throws SQLException {
        List<ForgetRequest> rows = new ArrayList<>();
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                rows.add(new ForgetRequest(rs.getString(1), ForgetKind.valueOf(rs.getString(2)), List.of(),
                        rs.getInt(3), rs.getString(4), rs.getString(5), rs.getString(6),
                        RequestStatus.valueOf(rs.getString(7)), Timestamps.parse(rs.getString(8)),
                        Timestamps.parse(rs.getString(9)), rs.getString(10), rs.getString(11), rs.getString(12)));
            }
        }
        List<ForgetRequest> withValues = new ArrayList<>(rows.size());
        for (ForgetRequest r : rows) {
            withValues.add(withValues(c, r));
        }
        return withValues;
    }

    private static ForgetRequest withValues(Connection c, ForgetRequest r) throws SQLException {
        List<String> values = new ArrayList<>(r.valuesCount());
        try (PreparedStatement select = c.prepareStatement(
                "SELECT raw_value FROM request_values WHERE request_id = ? ORDER BY ordinal")) {
            select.setString(1, r.id());
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
        }
        return new ForgetRequest(r.id(), r.kind(), values, r.valuesCount(), r.valuesDigest(), r.reason(),
                r.principal(), r.status(), r.acceptedAt(), r.completedAt(), r.batchId(), r.receiptJson(), r.failure());
    }
}
