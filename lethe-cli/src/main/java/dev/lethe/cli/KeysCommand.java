package dev.lethe.cli;

import dev.lethe.core.keys.KeyRotation;
import dev.lethe.core.keys.StoreKeys;
import dev.lethe.core.ledger.Ledger;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreLock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code lethe keys show|rotate}: the store key that makes the digests of forgotten ids (tombstones, receipts,
 * ledger) keyed, so that nobody holding the ledger can test a guessed id. The key itself is never printed.
 */
@Command(name = "keys", footer = {"%nExample:", "  lethe keys show --store sisa-store"}, mixinStandardHelpOptions = true,
        description = "Show or rotate the store key of the digests of forgotten ids (secret.key or LETHE_STORE_KEY).",
        subcommands = {KeysCommand.Show.class, KeysCommand.Rotate.class})
public final class KeysCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code lethe keys show}. */
    @Command(name = "show", footer = {"%nExample:", "  lethe keys show --store sisa-store"}, mixinStandardHelpOptions = true, description = "Print the id (a fingerprint, never the key) of the key in force.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        StoreLedger where;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Store s = where.openStore();
            String keyId = s.readManifest().digestKey();
            if (keyId == null) {
                out.println("  no key: the store's digests are plain SHA-256 (written before keyed digests); "
                        + "'lethe keys rotate' or its next write keys them");
            } else {
                StoreKeys.forReading(s); // a missing, unreadable or foreign key is an error here, not later
                boolean env = System.getenv(StoreKeys.ENV) != null && !System.getenv(StoreKeys.ENV).isBlank();
                out.printf("  key %s, from %s%n", keyId, env ? StoreKeys.ENV : StoreKeys.file(s));
            }
            if (KeyRotation.pending(s)) {
                out.println("  a key rotation is unfinished: run 'lethe keys rotate --resume --store " + s.root() + "'");
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    /** {@code lethe keys rotate}. */
    @Command(name = "rotate", footer = {"%nExample:", "  lethe keys rotate --store sisa-store"}, mixinStandardHelpOptions = true,
            description = {"Add a new key and re-key the tombstones, the manifest's digests and the ledger's request digests.",
                    "The ledger's past events keep their digests (the hash chain cannot change); the event key.in-force records the new key's id.",
                    "Stop 'lethe serve' on the store first. Keep a backup of secret.key with the store."})
    static final class Rotate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        StoreLedger where;

        @Option(names = "--resume", description = "Only finish a rotation a killed run left.")
        boolean resume;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            Store s = where.openStore();
            Optional<KeyRotation.Outcome> outcome;
            try (StoreLock lock = StoreLock.acquire(s); Ledger ledger = where.openLedgerOrNull(s)) {
                outcome = resume ? KeyRotation.resume(s, ledger) : Optional.of(KeyRotation.rotate(s, ledger));
            }
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("rotated", outcome.isPresent());
                outcome.ifPresent(o -> {
                    doc.put("fromKeyId", o.fromKeyId());
                    doc.put("toKeyId", o.toKeyId());
                    doc.put("tombstones", o.tombstones());
                    doc.put("requestDigests", o.requestDigests());
                });
                Output.json(out, doc);
            } else if (outcome.isEmpty()) {
                out.println("  no key rotation was pending");
            } else {
                KeyRotation.Outcome o = outcome.get();
                out.printf("  key %s -> %s: %d tombstone(s)%s re-keyed; ledger events keep the digests of their time%n",
                        o.fromKeyId() == null ? "(plain SHA-256)" : o.fromKeyId(), o.toKeyId(), o.tombstones(),
                        o.requestDigests() < 0 ? "" : " and " + o.requestDigests() + " request digest(s)");
                out.println("  back up " + StoreKeys.file(s) + " with the store: without it the store's digests cannot be checked");
            }
            out.flush();
            return ExitCodes.OK;
        }
    }
}
