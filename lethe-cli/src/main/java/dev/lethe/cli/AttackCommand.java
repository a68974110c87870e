package dev.lethe.cli;

import ai.djl.Device;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.forget.RecordSelector;
import dev.lethe.core.mia.AttackResult;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreData;
import dev.lethe.core.store.StoreException;
import dev.lethe.core.store.StoreManifest;
import dev.lethe.torch.eval.mia.AttackSuite;
import dev.lethe.torch.eval.mia.LearnedAttack;
import dev.lethe.torch.eval.mia.MembershipInferenceAttacks;
import dev.lethe.torch.eval.mia.ULira;
import dev.lethe.torch.eval.mia.ULiraResult;
import dev.lethe.torch.method.MethodOptions;
import dev.lethe.torch.method.UnlearningMethods;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.scenario.report.CsvTables;
import dev.lethe.torch.service.TrainService;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.service.StoredModel;
import dev.lethe.torch.train.ConsoleProgress;
import dev.lethe.torch.train.StageProgress;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code lethe attack}: a membership-inference attack on a single-model store's current model. Members
 * are the forget set when one is selected (after unlearning: does the model still hold it?), otherwise
 * every training record; non-members are the store's test records.
 */
@Command(name = "attack", footer = {"%nExample:", "  lethe attack --store my-store --attack lira-offline --label 3"}, mixinStandardHelpOptions = true,
        description = {"Run a membership-inference attack on a single-model store's current model: members are the selected "
                + "records (or all training records), non-members the test records. Prints AUC and TPR at 1 %% and 0.1 %% FPR "
                + "(AUC 0.5 = members look like unseen data).",
                "Attacks: loss, confidence, entropy, modified-entropy (no shadow model); learned (MIA-efficacy: a classifier on "
                        + "retain vs half the test records, judging the selected records); shadow (Shokri et al. 2017, shadows on "
                        + "halves of training ∪ test records); lira-online, lira-offline (Carlini et al. 2022); u-lira (Hayes et al. "
                        + "2024: needs --method and the forget set; shadow pairs unlearned with the method vs retrained without the "
                        + "records — AUC 0.5 = the method is indistinguishable from retraining on those records)."})
public final class AttackCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    SingleModelStoreOption store;

    @Option(names = "--attack", required = true, paramLabel = "ID", completionCandidates = AttackIds.class,
            description = "${COMPLETION-CANDIDATES} (the registered attacks), or u-lira.")
    String attack;

    @Option(names = "--shadows", paramLabel = "K", description = "Shadow models (shadow: default 4; lira-*, u-lira pairs: default 8).")
    Integer shadows;

    @Option(names = "--method", paramLabel = "ID", description = "u-lira: the unlearning method to test (see 'lethe methods').")
    String method;

    @Option(names = "--opt", paramLabel = "KEY=VALUE", description = "u-lira: a method option, e.g. --opt grad-diff.epochs=3 (repeatable).")
    List<String> methodOptions = new ArrayList<>();

    @Option(names = "--per-record", paramLabel = "FILE.csv", description = "Write each scored record's membership score to FILE"
            + " (id, subject, member, score; higher = more likely a member): the members, then the test records. Not for"
            + " learned or u-lira, which score held-out halves or shadow pairs rather than each record once.")
    Path perRecord;

    @ArgGroup(exclusive = true, multiplicity = "0..1", heading = "Members (default: every training record):%n")
    ForgetSelector what;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws Exception {
        boolean uLira = attack.equals(U_LIRA);
        if (!MembershipInferenceAttacks.names().contains(attack) && !uLira) {
            throw new IllegalArgumentException("unknown attack '" + attack + "'; attacks: " + String.join(", ", MembershipInferenceAttacks.names())
                    + ", " + U_LIRA);
        }
        if (uLira && (method == null || what == null)) {
            throw new IllegalArgumentException("u-lira needs --method ID and the records to forget (--record, --subject or --label)");
        }
        Map<String, String> overrides = MethodOptions.fromPairs(methodOptions);
        if (uLira) {
            MethodOptions.parse(UnlearningMethods.get(method), overrides);
        }
        if (perRecord != null && (uLira || attack.equals(LearnedAttack.NAME))) {
            throw new IllegalArgumentException("--per-record: " + attack + " does not score each record once (it scores held-out halves or"
                    + " shadow pairs); use loss, confidence, entropy, modified-entropy, shadow or lira-* for per-record scores");
        }
        if (shadows != null && shadows < 1) {
            throw new IllegalArgumentException("--shadows must be at least 1, got " + shadows);
        }
        PrintWriter out = spec.commandLine().getOut();
        Store s = store.open();
        StoreManifest manifest = s.readManifest();
        if (manifest.usesSisa()) {
            throw new StoreException("this is a SISA store: attacks run on single-model stores");
        }
        Device device = run.startEngine();
        // members and the rest leave out what earlier requests forgot, except a selection that names
        // forgotten records on purpose (to measure how well they were unlearned)
        StoreData stored = StoreData.load(s);
        RecordSet train = stored.data().train();
        RecordSet test = stored.data().test();
        RecordSet members = train;
        RecordSet rest = null;
        if (what != null) {
            Set<Integer> selected = RecordSelector.positions(stored.source().train(), what.kind(), what.values());
            if (selected.isEmpty()) {
                throw new IllegalArgumentException("no training record matches " + what.values() + ": no members to attack");
            }
            StoreData.Split split = stored.split(selected);
            members = split.selected();
            rest = split.rest();
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("store", s.root().toString());
        doc.put("modelVersion", manifest.currentVersion());
        if (uLira) {
            return uLira(out, s, manifest, device, members, rest, overrides, doc);
        }
        AttackSuite.Report report;
        try (ModelHandle model = StoredModel.loadCurrent(s, device)) {
            report = AttackSuite.run(attack, model, train, test, rest == null ? null : members, rest,
                    TrainService.originalConfig(manifest), shadows, run.seed, progress());
        }
        AttackResult result = report.result();
        if (perRecord != null) {
            writePerRecord(perRecord, members, test, result);
            doc.put("perRecord", perRecord.toAbsolutePath().toString());
        }
        Double efficacy = report.miaEfficacy();
        doc.put("attack", attack);
        if (report.heldOut() != null) {
            doc.put("heldOut", report.heldOut());
        }
        if (efficacy != null) {
            doc.put("miaEfficacy", efficacy);
        }
        if (report.shadows() != null) {
            doc.put("shadows", report.shadows());
        }
        doc.put("result", result);
        if (run.json) {
            Output.json(out, doc);
            return ExitCodes.OK;
        }
        out.printf(Locale.ROOT, "  store     %s (model version %d)%n", s.root(), manifest.currentVersion());
        out.printf(Locale.ROOT, "  attack    %s: %d members (%s) vs %d non-members (test)%n", attack, result.members(),
                what == null ? "training records" : "selected records", result.nonMembers());
        out.printf(Locale.ROOT, "  AUC       %.4f   (0.5 = members look unseen)%n", result.auc());
        out.printf(Locale.ROOT, "  TPR@1%%    %.4f%n", result.tprAt1PercentFpr());
        out.printf(Locale.ROOT, "  TPR@0.1%%  %.4f%n", result.tprAtTenthPercentFpr());
        if (efficacy != null) {
            out.printf(Locale.ROOT, "  MIA-efficacy %.4f (share of selected records judged non-members; higher = better forgotten)%n", efficacy);
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static final String U_LIRA = "u-lira";

    /** Each member's and test record's score, as the attack gave them, by id (written atomically). */
    private static void writePerRecord(Path file, RecordSet members, RecordSet nonMembers, AttackResult result) throws java.io.IOException {
        if (result.memberScores() == null || result.memberScores().length != members.size()
                || result.nonMemberScores().length != nonMembers.size()) {
            throw new IllegalStateException("the attack's scores do not line up with its " + members.size() + " members and "
                    + nonMembers.size() + " test records; no per-record file written");
        }
        StringBuilder csv = new StringBuilder("id,subject,member,score\n");
        for (int pass = 0; pass < 2; pass++) {
            RecordSet records = pass == 0 ? members : nonMembers;
            double[] scores = pass == 0 ? result.memberScores() : result.nonMemberScores();
            for (int i = 0; i < records.size(); i++) {
                String subject = records.subject(i);
                csv.append(CsvTables.quoted(records.id(i))).append(',').append(subject == null ? "" : CsvTables.quoted(subject)).append(',')
                        .append(pass == 0).append(',').append(scores[i]).append('\n');
            }
        }
        dev.lethe.core.store.AtomicFiles.write(file.toAbsolutePath(), csv.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Shadow and U-LiRA training runs on standard error (bars, or plain lines when piped); none with --json. */
    private StageProgress progress() {
        return run.json ? StageProgress.NONE : ConsoleProgress.stagesOnStandardError("attack " + attack);
    }

    /** The ids {@code --attack} lists in its help: those of {@link MembershipInferenceAttacks}, plug-ins included. */
    static final class AttackIds implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return MembershipInferenceAttacks.names().iterator();
        }
    }

    /** U-LiRA: shadow pairs of the store's model and training, unlearned with the method vs retrained without the records. */
    private int uLira(PrintWriter out, Store s, StoreManifest manifest, Device device, RecordSet forget, RecordSet pool,
                      Map<String, String> methodOptions, Map<String, Object> doc) throws Exception {
        ModelSpec modelSpec;
        try (ModelHandle model = StoredModel.loadCurrent(s, device)) {
            modelSpec = model.spec();
        }
        ULira.Options options = new ULira.Options(shadows == null ? 8 : shadows, true, run.seed);
        ULiraResult r = new ULira(modelSpec, TrainService.originalConfig(manifest), options).progress(progress()).run(method, methodOptions, forget, pool);
        doc.put("attack", U_LIRA);
        doc.put("method", method);
        doc.put("shadows", r.shadows());
        doc.put("meanPhiGap", r.meanPhiGap());
        doc.put("result", r.attack());
        if (run.json) {
            Output.json(out, doc);
            return ExitCodes.OK;
        }
        out.printf(Locale.ROOT, "  store     %s (model version %d)%n", s.root(), manifest.currentVersion());
        out.printf(Locale.ROOT, "  attack    u-lira on %s: %d shadow pairs, %d forget records%n", method, r.shadows(), r.forgetRecords());
        out.printf(Locale.ROOT, "  AUC       %.4f   (0.5 = unlearned looks like retrained)%n", r.attack().auc());
        out.printf(Locale.ROOT, "  TPR@1%%    %.4f%n", r.attack().tprAt1PercentFpr());
        out.printf(Locale.ROOT, "  TPR@0.1%%  %.4f%n", r.attack().tprAtTenthPercentFpr());
        out.flush();
        return ExitCodes.OK;
    }
}
