package dev.lethe.cli;

import dev.lethe.core.jdbc.JdbcTarget;
import dev.lethe.server.ServerConfig;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the ledger's database is: {@code --db} (a JDBC URL without a password) and the password from
 * {@code --db-password-file} or the environment ({@code PGPASSWORD}; PostgreSQL's driver also reads
 * {@code PGPASSFILE} and {@code ~/.pgpass} itself). A password never comes from the command line, where any local
 * user can read it with {@code ps}: a URL that carries one is refused.
 */
final class LedgerDbOptions {

    @Option(names = "--db", paramLabel = "JDBC-URL",
            description = "The ledger's database, e.g. jdbc:postgresql://host/db?user=u (no password: see --db-password-file)."
                    + " Default: the store's ledger.db (SQLite).")
    String db;

    @Option(names = "--db-password-file", paramLabel = "FILE",
            description = "A file holding the database password (its first line). Default: the PGPASSWORD environment"
                    + " variable, else PGPASSFILE or ~/.pgpass.")
    Path passwordFile;

    /** The JDBC URL, or null for the store's own SQLite file; refuses a URL that carries a password. */
    String url() {
        if (JdbcTarget.hasPassword(db)) {
            throw new IllegalArgumentException("--db " + JdbcTarget.redact(db) + " carries a password, which every local"
                    + " user can read on the command line; remove it from the URL and give it with --db-password-file FILE"
                    + " or the PGPASSWORD environment variable");
        }
        return db;
    }

    /** The database of the store's ledger, with its password when one is given. */
    JdbcTarget target(Path store) throws IOException {
        String url = url();
        return new JdbcTarget(ServerConfig.ledgerUrl(store, url), null, url == null ? null : password());
    }

    /** The password from the file or the environment, or null. */
    String password() throws IOException {
        if (passwordFile != null) {
            String text = Files.readString(passwordFile, StandardCharsets.UTF_8);
            String first = text.lines().findFirst().orElse("");
            if (first.isEmpty()) {
                throw new IllegalArgumentException("--db-password-file " + passwordFile + " is empty");
            }
            return first;
        }
        return System.getenv("PGPASSWORD");
    }
}
