package dev.lethe.cli;

import ai.djl.Device;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.service.EvaluationReport;
import dev.lethe.torch.sisa.Receipt;
import dev.lethe.torch.sisa.SisaConfig;
import dev.lethe.torch.sisa.SisaService;
import dev.lethe.torch.train.ConsoleProgress;
import dev.lethe.torch.train.TrainListener;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Printing and wiring shared by the SISA side of {@code train}, {@code forget} and {@code demo}. */
final class SisaCommands {

    private SisaCommands() {
    }

    static SisaService.Outcome trainAndReport(PrintWriter out, Path store, DatasetRef ref, ModelOptions model, SisaOptions sisa,
                                              RunOptions run, boolean replace) throws Exception {
        var trainConfig = model.trainConfig(run.seed);
        var plan = sisa.plan(run.seed);
        var aggregation = sisa.aggregation();
        Device device = run.startEngine();
        DatasetRef.Loaded data = ref.load();
        ModelSpec modelSpec = model.spec(data.train().featureShape(), data.train().numClasses());
        SisaConfig config = new SisaConfig(plan, modelSpec, trainConfig, aggregation, run.threads);
        SisaService.Outcome o = SisaService.train(store, data, config, replace, device, progress(run, "sisa train"), e -> {
        });
        if (run.json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("store", o.store().root().toString());
            doc.put("manifest", o.manifest());
            doc.put("trainSeconds", o.seconds());
            doc.put("test", EvaluationReport.of(o.test()));
            Output.json(out, doc);
        } else {
            out.printf(Locale.ROOT, "  data      %s: %d train / %d test records, fingerprint %s…%n", data.ref().name(),
                    o.manifest().dataset().trainRecords(), o.manifest().dataset().testRecords(), data.fingerprint().substring(0, 12));
            if (!o.manifest().tombstones().isEmpty()) {
                out.printf(Locale.ROOT, "            %d records left out: the store this one replaced had forgotten them (%d tombstones carried over)%n",
                        data.train().size() + data.test().size() - o.manifest().dataset().trainRecords() - o.manifest().dataset().testRecords(),
                        o.manifest().tombstones().size());
            }
            out.printf(Locale.ROOT, "  sisa      %d shards × %d slices, %s assignment, %s aggregation, %s per shard, %d epochs per slice%n",
                    plan.shards(), plan.slices(), plan.assignment().name().toLowerCase(Locale.ROOT),
                    aggregation.name().toLowerCase(Locale.ROOT).replace('_', ' '), modelSpec.name(), trainConfig.epochs());
            out.printf(Locale.ROOT, "  training  %.1f s for %d checkpoints%n", o.seconds(), o.slices().size());
            out.printf(Locale.ROOT, "  accuracy  ensemble test %s%n", Output.pct(o.test().accuracy()));
            out.printf(Locale.ROOT, "  store     %s (manifest.json, data/, checkpoints/, ledger.db)%n", o.store().root());
            out.flush();
        }
        return o;
    }

    static TrainListener progress(RunOptions run, String task) {
        return run.json ? TrainListener.NONE : ConsoleProgress.forTerminal(task);
    }

    static void printReceipt(PrintWriter out, Receipt r) {
        if (!r.changedAnything()) {
            out.printf(Locale.ROOT, "  receipt   %s (%s): %s; model version %d still serves%n", r.requestId(), r.kind(), r.outcome(),
                    r.modelVersion());
            return;
        }
        out.printf(Locale.ROOT, "  receipt   %s (%s): %d training + %d held-out records matched, digest %s…%n", r.requestId(), r.kind(),
                r.matchedTrainRecords(), r.matchedTestRecords(), r.matchedDigest().substring(0, 12));
        if (r.retrained().isEmpty()) {
            out.printf(Locale.ROOT, "            nothing to retrain; model version %d%n", r.modelVersion());
        }
        for (var s : r.retrained()) {
            out.printf(Locale.ROOT, "            shard %d retrained slices %d..%d in %.2f s: %s → %s%n", s.shard(), s.fromSlice(),
                    r.slicesPerShard() - 1, s.seconds(), shortKey(s.before()), shortKey(s.after()));
        }
        if (!r.retrained().isEmpty()) {
            out.printf(Locale.ROOT, "            model version %d (%s; batch of %d request(s), %.2f s)%n", r.modelVersion(), r.guarantee(),
                    r.batchRequests(), r.batchSeconds());
        }
    }

    private static String shortKey(String relativePath) {
        int dash = relativePath.lastIndexOf('-');
        return relativePath.substring(relativePath.indexOf('/') + 1, dash + 1) + relativePath.substring(dash + 1, dash + 13) + "…";
    }
}
