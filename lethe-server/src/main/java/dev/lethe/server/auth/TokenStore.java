package dev.lethe.server.auth;

import dev.lethe.core.jdbc.JdbcSource;
import dev.lethe.core.jdbc.JdbcTarget;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * API tokens in the ledger's database (table {@code api_tokens}, portable SQL for SQLite and PostgreSQL).
 *
 * <p>A token is {@code lethe_<id>_<secret>}: {@code id} is 12 hex digits that find the row, {@code secret} is 32
 * random bytes (base64url). Only the SHA-256 of the secret bytes is stored, and it is compared in constant time
 * ({@link MessageDigest#isEqual}); the secret is shown once, by {@link #create}. Revoked tokens stay listed
 * (their names are never reused, so the ledger's principals stay unambiguous) but no longer authenticate.
 * Reached through a {@link JdbcSource} (a validating pool for PostgreSQL that reopens after a restart); failures
 * are {@link dev.lethe.core.jdbc.DatabaseException}s that name the database by its redacted URL. Thread-safe.
 */
public final class TokenStore implements AutoCloseable {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern TOKEN = Pattern.compile("lethe_([0-9a-f]{12})_([A-Za-z0-9_-]{43})");
    private static final int SECRET_BYTES = 32;
    private static final byte[] NO_HASH = new byte[32];

    private static final String TABLE = """
            CREATE TABLE IF NOT EXISTS api_tokens (
              token_id TEXT PRIMARY KEY,
              name TEXT NOT NULL UNIQUE,
              role TEXT NOT NULL,
              secret_sha256 TEXT NOT NULL,
              created_at TEXT NOT NULL,
              revoked_at TEXT)""";

    private final JdbcSource db;
    private final SecureRandom random = new SecureRandom();

    private TokenStore(JdbcSource db) {
        this.db = db;
    }

    /** Opens the token table at a JDBC URL (the ledger's, no password), creating it when absent. */
    public static TokenStore open(String jdbcUrl) {
        return open(JdbcTarget.of(Objects.requireNonNull(jdbcUrl, "jdbcUrl")));
    }

    /** Opens the token table in a database (the ledger's), creating it when absent. */
    public static TokenStore open(JdbcTarget target) {
        JdbcSource db = JdbcSource.open(target, "lethe-tokens");
        try {
            db.transaction(c -> {
                try (var s = c.createStatement()) {
                    s.execute(TABLE);
                }
                return null;
            });
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        return new TokenStore(db);
    }

    /** Whether the token table answers (readiness). */
    public boolean reachable() {
        try {
            return db.read(c -> c.isValid(2));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Issues a token; the returned secret is the only copy. Names are unique, revoked ones included. */
    public synchronized IssuedToken create(String name, Role role) {
        Objects.requireNonNull(role, "role");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("token name '" + name + "' must be 1-64 letters, digits, '.', '_' or '-',"
                    + " starting with a letter or digit");
        }
        byte[] id = new byte[6];
        byte[] secret = new byte[SECRET_BYTES];
        random.nextBytes(id);
        random.nextBytes(secret);
        String tokenId = HexFormat.of().formatHex(id);
        ApiToken token = new ApiToken(name, role, Instant.now().truncatedTo(ChronoUnit.MILLIS), null);
        db.transaction(connection -> {
            if (byName(connection, name).isPresent()) {
                throw new IllegalArgumentException("a token named '" + name + "' exists already (names are never reused)");
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO api_tokens"
                    + " (token_id, name, role, secret_sha256, created_at) VALUES (?, ?, ?, ?, ?)")) {
                insert.setString(1, tokenId);
                insert.setString(2, name);
                insert.setString(3, role.name());
                insert.setString(4, HexFormat.of().formatHex(sha256(secret)));
                insert.setString(5, token.createdAt().toString());
                insert.executeUpdate();
            }
            return null;
        });
        String text = "lethe_" + tokenId + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return new IssuedToken(token, text);
    }

    /** Every token ever issued, by name. */
    public List<ApiToken> list() {
        return db.read(connection -> {
            List<ApiToken> out = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT name, role, created_at, revoked_at FROM api_tokens ORDER BY name");
                 ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        });
    }

    /** The token with this name, active or revoked, if one was ever issued. */
    public Optional<ApiToken> find(String name) {
        return db.read(connection -> byName(connection, name));
    }

    /** Revokes the token with this name; false when there is no active token of that name. */
    public boolean revoke(String name) {
        return db.transaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL")) {
                update.setString(1, Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
                update.setString(2, name);
                return update.executeUpdate() == 1;
            }
        });
    }

    /** The active token a bearer text proves, if it proves one. */
    public Optional<ApiToken> authenticate(String bearer) {
        var m = bearer == null ? null : TOKEN.matcher(bearer);
        if (m == null || !m.matches()) {
            return Optional.empty();
        }
        byte[] presented = sha256(Base64.getUrlDecoder().decode(m.group(2)));
        return db.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT name, role, created_at, revoked_at, secret_sha256 FROM api_tokens WHERE token_id = ?")) {
                select.setString(1, m.group(1));
                try (ResultSet rs = select.executeQuery()) {
                    if (!rs.next()) {
                        MessageDigest.isEqual(presented, NO_HASH);
                        return Optional.empty();
                    }
                    ApiToken token = read(rs);
                    boolean match = MessageDigest.isEqual(presented, HexFormat.of().parseHex(rs.getString(5)));
                    return match && token.active() ? Optional.of(token) : Optional.empty();
                }
            }
        });
    }

    @Override
    public void close() {
        db.close();
    }

    private static Optional<ApiToken> byName(java.sql.Connection connection, String name) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT name, role, created_at, revoked_at FROM api_tokens WHERE name = ?")) {
            select.setString(1, name);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private static ApiToken read(ResultSet rs) throws SQLException {
        String revoked = rs.getString(4);
        return new ApiToken(rs.getString(1), Role.valueOf(rs.getString(2)), Instant.parse(rs.getString(3)),
                revoked == null ? null : Instant.parse(revoked));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
