package dev.lethe.server;

import dev.lethe.core.jdbc.JdbcTarget;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to run a server.
 *
 * @param store          the SISA store it serves and changes
 * @param host           the address to listen on
 * @param port           the port, 0 for any free one
 * @param jdbcUrl        the ledger's database, or null for the store's own SQLite file ({@code ledger.db})
 * @param maxIds         the most ids one forget request may name
 * @param maxBodyBytes   the largest request body accepted (larger: 413)
 * @param maxPredictBatch the most feature vectors one prediction call may carry
 * @param batchWindow    how long the worker waits, once a request is pending, for more to join the batch
 * @param reasonRetention how long a finished request's free-text reason is kept (then deleted)
 * @param dbPassword     the password of {@code jdbcUrl}'s database, or null (never shown by {@link #toString()})
 * @param network        limits against slow clients, TLS and trusted proxies
 */
public record ServerConfig(Path store, String host, int port, String jdbcUrl, int maxIds, long maxBodyBytes,
                           int maxPredictBatch, Duration batchWindow, Duration reasonRetention, String dbPassword,
                           NetworkConfig network) {

    /** Defaults: 1,000 ids per request, 1 MiB bodies, 1,024 vectors per prediction, a 500 ms batch window. */
    public static ServerConfig defaults(Path store, String host, int port) {
        return new ServerConfig(store, host, port, null, 1_000, 1 << 20, 1_024, Duration.ofMillis(500),
                dev.lethe.core.ledger.Ledger.DEFAULT_REASON_RETENTION, null, NetworkConfig.defaults());
    }

    public ServerConfig {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(batchWindow, "batchWindow");
        Objects.requireNonNull(network, "network");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (maxIds < 1 || maxBodyBytes < 1 || maxPredictBatch < 1) {
            throw new IllegalArgumentException("maxIds, maxBodyBytes and maxPredictBatch must be at least 1");
        }
        if (reasonRetention == null || reasonRetention.isNegative()) {
            throw new IllegalArgumentException("reasonRetention must be zero or more, got " + reasonRetention);
        }
        if (batchWindow.isNegative()) {
            throw new IllegalArgumentException("batchWindow must not be negative, got " + batchWindow);
        }
    }

    /** The ledger's JDBC URL: {@link #jdbcUrl()} or the store's SQLite file. */
    public String ledgerUrl() {
        return ledgerUrl(store, jdbcUrl);
    }

    /** The ledger's database with its password. */
    public JdbcTarget ledgerTarget() {
        return new JdbcTarget(ledgerUrl(), null, jdbcUrl == null ? null : dbPassword);
    }

    public ServerConfig withDbPassword(String password) {
        return new ServerConfig(store, host, port, jdbcUrl, maxIds, maxBodyBytes, maxPredictBatch, batchWindow, reasonRetention, password, network);
    }

    public ServerConfig withNetwork(NetworkConfig n) {
        return new ServerConfig(store, host, port, jdbcUrl, maxIds, maxBodyBytes, maxPredictBatch, batchWindow, reasonRetention, dbPassword, n);
    }

    /** The settings, with the database URL redacted and the password left out. */
    @Override
    public String toString() {
        return "ServerConfig[store=" + store + ", host=" + host + ", port=" + port + ", db="
                + JdbcTarget.redact(jdbcUrl) + ", maxIds=" + maxIds + ", maxBodyBytes=" + maxBodyBytes
                + ", maxPredictBatch=" + maxPredictBatch + ", batchWindow=" + batchWindow + ", reasonRetention=" + reasonRetention + ", " + network + "]";
    }

    /** The JDBC URL of a store's ledger: {@code jdbcUrlOrNull}, or else the store's own SQLite file. */
    public static String ledgerUrl(Path store, String jdbcUrlOrNull) {
        return jdbcUrlOrNull != null ? jdbcUrlOrNull : "jdbc:sqlite:" + store.toAbsolutePath().resolve("ledger.db");
    }

    public ServerConfig withJdbcUrl(String url) {
        return new ServerConfig(store, host, port, url, maxIds, maxBodyBytes, maxPredictBatch, batchWindow, reasonRetention, dbPassword, network);
    }

    public ServerConfig withMaxIds(int n) {
        return new ServerConfig(store, host, port, jdbcUrl, n, maxBodyBytes, maxPredictBatch, batchWindow, reasonRetention, dbPassword, network);
    }

    public ServerConfig withMaxBodyBytes(long n) {
        return new ServerConfig(store, host, port, jdbcUrl, maxIds, n, maxPredictBatch, batchWindow, reasonRetention, dbPassword, network);
    }

    public ServerConfig withBatchWindow(Duration window) {
        return new ServerConfig(store, host, port, jdbcUrl, maxIds, maxBodyBytes, maxPredictBatch, window, reasonRetention, dbPassword, network);
    }

    public ServerConfig withReasonRetention(Duration retention) {
        return new ServerConfig(store, host, port, jdbcUrl, maxIds, maxBodyBytes, maxPredictBatch, batchWindow, retention, dbPassword, network);
    }
}
