package dev.lethe.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the test classes that need a real PostgreSQL server: one throwaway cluster per test class
 * ({@link PostgresCluster}), started before its first test and removed after its last; the class's tests skip
 * with the reason when PostgreSQL's binaries are missing.
 */
abstract class WithPostgres {

    static PostgresCluster postgres;

    @BeforeAll
    static void startPostgres() {
        postgres = PostgresCluster.startOrSkip();
    }

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
    }
}
