package dev.lethe.cli;

import dev.lethe.core.store.Store;
import dev.lethe.server.auth.ApiToken;
import dev.lethe.server.auth.IssuedToken;
import dev.lethe.server.auth.Role;
import dev.lethe.server.auth.TokenStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * {@code lethe tokens create|list|revoke}: the API tokens of {@code lethe serve}, kept (hashed) in the store's
 * ledger database. A created token is printed once and cannot be shown again.
 */
@Command(name = "tokens", footer = {"%nExample:", "  lethe tokens create --store sisa-store --name ops --role admin"}, mixinStandardHelpOptions = true,
        description = "Create, list or revoke the API tokens of 'lethe serve' (admin: forget, audit, tokens, metrics; client: predict, health, model version).",
        subcommands = {TokensCommand.Create.class, TokensCommand.List.class, TokensCommand.Revoke.class})
public final class TokensCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where the tokens are: the store's ledger, or another database. */
    static final class Where {
        @Option(names = "--store", required = true, paramLabel = "DIR", description = "The store the server serves.")
        Path store;

        @Mixin
        LedgerDbOptions db;

        TokenStore open() throws java.io.IOException {
            Store.open(store);
            return TokenStore.open(db.target(store));
        }
    }

    /** {@code lethe tokens create}. */
    @Command(name = "create", footer = {"%nExample:", "  lethe tokens create --store sisa-store --name ops --role admin"}, mixinStandardHelpOptions = true, description = "Issue a token and print it (once).")
    static final class Create implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Where where;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Option(names = "--name", description = "A unique name; the ledger records it as the principal. Default: the role and 8 random hex digits.")
        String name;

        @Option(names = "--role", defaultValue = "client", description = "admin or client. Default: ${DEFAULT-VALUE}.")
        String role;

        @Override
        public Integer call() throws java.io.IOException {
            PrintWriter out = spec.commandLine().getOut();
            Role parsed = Role.parse(role);
            String tokenName = name != null ? name
                    : parsed.label() + "-" + java.util.HexFormat.of().toHexDigits(new java.security.SecureRandom().nextInt());
            IssuedToken issued;
            try (TokenStore tokens = where.open()) {
                issued = tokens.create(tokenName, parsed);
            }
            if (json) {
                Map<String, Object> doc = issued.token().describe();
                doc.put("token", issued.secret());
                Output.json(out, doc);
            } else {
                out.printf("  created   %s (%s); the token is shown only now:%n%s%n", tokenName, issued.token().role().label(), issued.secret());
                out.flush();
            }
            return ExitCodes.OK;
        }
    }

    /** {@code lethe tokens list}. */
    @Command(name = "list", footer = {"%nExample:", "  lethe tokens list --store sisa-store"}, mixinStandardHelpOptions = true, description = "List every token issued (never the secrets).")
    static final class List implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Where where;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() throws java.io.IOException {
            PrintWriter out = spec.commandLine().getOut();
            java.util.List<ApiToken> all;
            try (TokenStore tokens = where.open()) {
                all = tokens.list();
            }
            if (json) {
                Output.json(out, all.stream().map(ApiToken::describe).toList());
            } else {
                for (ApiToken t : all) {
                    out.printf(Locale.ROOT, "  %-24s %-7s created %s%s%n", t.name(), t.role().label(), t.createdAt(),
                            t.active() ? "" : ", revoked " + t.revokedAt());
                }
                if (all.isEmpty()) {
                    out.println("  no tokens; create one with 'lethe tokens create --store DIR --name NAME --role admin'");
                }
                out.flush();
            }
            return ExitCodes.OK;
        }
    }

    /** {@code lethe tokens revoke}. */
    @Command(name = "revoke", footer = {"%nExample:", "  lethe tokens revoke --store sisa-store --name ops"}, mixinStandardHelpOptions = true, description = "Revoke a token: it stops working at once.")
    static final class Revoke implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Where where;

        @Option(names = "--name", required = true, description = "The token to revoke.")
        String name;

        @Override
        public Integer call() throws java.io.IOException {
            try (TokenStore tokens = where.open()) {
                if (!tokens.revoke(name)) {
                    throw new IllegalArgumentException("no active token named '" + name + "'");
                }
            }
            spec.commandLine().getOut().printf("  revoked   %s%n", name);
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }
}
