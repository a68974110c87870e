package dev.lethe.server;

import dev.lethe.server.auth.Role;
import dev.lethe.server.auth.TokenStore;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** A server on a fresh copy of the test store, on 127.0.0.1 and a free port, with an admin and a client token. */
record RunningServer(LetheServer server, Path store, String adminToken, String clientToken) implements AutoCloseable {

    static RunningServer start(Path dir) throws IOException {
        Path store = TestStores.copy(dir.resolve("store"));
        return start(ServerConfig.defaults(store, "127.0.0.1", 0).withBatchWindow(Duration.ofMillis(200)));
    }

    static RunningServer start(ServerConfig config) throws IOException {
        String admin;
        String client;
        try (TokenStore tokens = TokenStore.open(config.ledgerUrl())) {
            admin = tokens.create("admin-1", Role.ADMIN).secret();
            client = tokens.create("client-1", Role.CLIENT).secret();
        }
        return new RunningServer(LetheServer.start(config), config.store(), admin, client);
    }

    Api admin() {
        return Api.of(server.port(), adminToken);
    }

    Api client() {
        return Api.of(server.port(), clientToken);
    }

    @Override
    public void close() throws InterruptedException {
        server.close();
    }
}
