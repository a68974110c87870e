package dev.lethe.server;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * Run in a child JVM: takes the write lock of the SQLite file {@code args[0]} ({@code BEGIN IMMEDIATE}), prints
 * {@code locked}, and holds it until its standard input closes.
 */
public final class SqliteLockHolder {

    private SqliteLockHolder() {
    }

    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + args[0]); Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 10000");
            s.execute("BEGIN IMMEDIATE");
            System.out.println("locked");
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the lock until the parent closes our input
            }
            s.execute("ROLLBACK");
        }
    }
}
