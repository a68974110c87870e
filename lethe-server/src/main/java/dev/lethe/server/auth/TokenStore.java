package dev.lethe.server.auth;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
 * Thread-safe: every method holds the store's lock.
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

    private final Connection connection;
    private final String url;
    private final SecureRandom random = new SecureRandom();

    private TokenStore(Connection connection, String url) {
        this.connection = connection;
        this.url = url;
    }

    /** Opens the token table at a JDBC URL (the ledger's), creating it when absent. */
    public static TokenStore open(String jdbcUrl) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        try {
            Connection c = Jdbc.connect(jdbcUrl);
            try (Statement s = c.createStatement()) {
                s.execute(TABLE);
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            return new TokenStore(c, jdbcUrl);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the token table at " + jdbcUrl + ": " + e.getMessage(), e);
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
        run(() -> {
            if (byName(name).isPresent()) {
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
    public synchronized List<ApiToken> list() {
        return run(() -> {
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

    /** Revokes the token with this name; false when there is no active token of that name. */
    public synchronized boolean revoke(String name) {
        return run(() -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL")) {
                update.setString(1, Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
                update.setString(2, name);
                return update.executeUpdate() == 1;
            }
        });
    }

    /** The active token a bearer text proves, if it proves one. */
    public synchronized Optional<ApiToken> authenticate(String bearer) {
        var m = bearer == null ? null : TOKEN.matcher(bearer);
        if (m == null || !m.matches()) {
            return Optional.empty();
        }
        byte[] presented = sha256(Base64.getUrlDecoder().decode(m.group(2)));
        return run(() -> {
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
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot close the token table at " + url + ": " + e.getMessage(), e);
        }
    }

    private Optional<ApiToken> byName(String name) throws SQLException {
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

    /** SQL work that may throw {@link SQLException}. */
    private interface Work<T> {
        T run() throws SQLException;
    }

    private <T> T run(Work<T> work) {
        try {
            return work.run();
        } catch (SQLException e) {
            throw new IllegalStateException("token table at " + url + " failed: " + e.getMessage(), e);
        }
    }
}
