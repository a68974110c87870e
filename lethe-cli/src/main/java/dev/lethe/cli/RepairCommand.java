package dev.lethe.cli;

import ai.djl.Device;
import dev.lethe.core.ledger.Ledger;
import dev.lethe.core.store.Store;
import dev.lethe.torch.runtime.TorchRuntime;
import dev.lethe.torch.sisa.RepairService;
import dev.lethe.torch.sisa.SisaService;
import dev.lethe.torch.train.TrainListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code lethe repair}: verifies every checkpoint of a SISA store against the manifest and recomputes the damaged
 * or missing ones bit for bit from the stored data ({@link RepairService}).
 */
@Command(name = "repair", footer = {"%nExample:", "  lethe repair --store sisa-store"}, mixinStandardHelpOptions = true,
        description = {"Recompute a SISA store's damaged or missing checkpoints bit for bit from its stored data and lineage.",
                "Each recomputed checkpoint must match the digest in the manifest; run 'lethe audit' afterwards."})
public final class RepairCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    SisaStoreOption store;

    @Option(names = "--json", description = "Print what was repaired as JSON.")
    boolean json;

    @Mixin
    LedgerDbOptions db;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Store s = Store.open(store.store);
        // bit-identical recomputation needs the thread count the checkpoints were trained with
        TorchRuntime.start(SisaService.config(s.readManifest()).threads());
        RepairService.Outcome o;
        // the repair is recorded in the ledger the store's server uses: ledger.db, or the --db database
        try (Ledger ledger = db.url() == null ? null : openLedger(db.target(store.store))) {
            o = RepairService.repair(s, Device.cpu(),
                    json ? TrainListener.NONE : dev.lethe.torch.train.ConsoleProgress.forStandardError("repair"), ledger);
        }
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("store", s.root().toString());
            doc.put("checked", o.checked());
            doc.put("repaired", o.repaired());
            doc.put("shardSeconds", o.shardSeconds());
            Output.json(out, doc);
            return ExitCodes.OK;
        }
        if (o.repaired().isEmpty()) {
            out.printf(Locale.ROOT, "  checked   %d checkpoints: all match the manifest, nothing to repair%n", o.checked());
        } else {
            out.printf(Locale.ROOT, "  checked   %d checkpoints; recomputed %d, each identical to the manifest's digest%n", o.checked(),
                    o.repaired().size());
            for (RepairService.Repaired r : o.repaired()) {
                out.printf(Locale.ROOT, "  repaired  shard %d slice %d (%s): %s, sha256 %s…%n", r.shard(), r.slice(), r.problem(), r.file(),
                        r.sha256().substring(0, 12));
            }
            o.shardSeconds().forEach((shard, sec) -> out.printf(Locale.ROOT, "            shard %d recomputed in %.2f s%n", shard, sec));
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static Ledger openLedger(dev.lethe.core.jdbc.JdbcTarget target) {
        return Ledger.open(target.url(), target.user(), target.password());
    }
}
