package dev.lethe.cli;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.core.store.Store;
import dev.lethe.torch.method.MethodOptions;
import dev.lethe.torch.method.StrengthCalibration;
import dev.lethe.torch.service.UnlearnService;
import dev.lethe.torch.method.UnlearningMethods;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;

/** {@code lethe unlearn}: approximate unlearning of a single-model store with one method. */
@Command(name = "unlearn", footer = {"%nExamples:", "  lethe unlearn --store my-store --method grad-diff --record digits-0042,digits-0043", "  lethe unlearn --store my-store --method ssd --label 3 --opt ssd.alpha=10",
        "  lethe unlearn --store my-store --method npo --record digits-0042,digits-0043 --poisoned",
        "  lethe unlearn --store my-store --method scrub --record digits-0042,digits-0043 --poisoned --keep-within 0.05"}, mixinStandardHelpOptions = true,
        description = "Unlearn records, a person or a class from a single-model store with an approximate method (see 'lethe methods'); "
                + "writes a new model version with a receipt.")
public final class UnlearnCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Mixin
    SingleModelStoreOption store;

    @Option(names = "--method", required = true, paramLabel = "ID", description = "A method id from 'lethe methods'.")
    String method;

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "What to forget:%n")
    ForgetSelector what;

    @Option(names = "--opt", paramLabel = "KEY=VALUE", description = "A method option, e.g. --opt grad-ascent.epochs=3 (repeatable).")
    List<String> options = new ArrayList<>();

    @Option(names = "--keep-previous", description = "Keep the earlier model versions' files (for a repair that is not an erasure;"
            + " named in the receipt). By default they are deleted: no model trained on the forgotten records stays in the store.")
    boolean keepPrevious;

    @Option(names = "--poisoned", description = "The records are poisoned or mislabelled (a backdoor's triggered records, wrong labels):"
            + " their labels must leave the model, so a method whose strength is set from the data aims their accuracy at 0, as for"
            + " a class. Without it an erasure request aims them at the accuracy of unseen records. Recorded in the receipt.")
    boolean poisoned;

    @Option(names = "--keep-within", paramLabel = "FRACTION", description = "How much accuracy of the kept records a strength set from"
            + " the data may cost, as a fraction of the original's (0.05: 5 points). Default: "
            + StrengthCalibration.RETAIN_DROP + ". A larger allowance lets a method forget where its cheapest forgetting costs more"
            + " (a retried value, and a whole update past a value that broke the bound, are held to half). Recorded in the receipt"
            + " (retainDropMax); refused when the strength is not set from the data.")
    Double keepWithin;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        var m = UnlearningMethods.get(method);
        Map<String, String> overrides = MethodOptions.fromPairs(options);
        Store s = store.open();
        Device device = run.startEngine();
        var terms = new UnlearnService.Terms(keepPrevious, poisoned, keepWithin == null ? OptionalDouble.empty() : OptionalDouble.of(keepWithin));
        var outcome = UnlearnService.unlearn(s, m, overrides, what.kind(), what.values(), run.seed, terms, device,
                SisaCommands.progress(run, method));
        if (run.json) {
            Output.json(out, Map.of("modelVersion", outcome.version(), "receipt", outcome.receipt(), "purged", outcome.purged()));
        } else {
            var r = outcome.receipt();
            out.printf(Locale.ROOT, "  %s (%s): %s records matched, %.2f s → model version %d%n", r.method(), r.guarantee(),
                    r.matchedRecords(), r.seconds(), outcome.version());
            out.printf(Locale.ROOT, "  options   %s%n", r.options());
            out.printf(Locale.ROOT, "  data      retain set %s records; %s left out because earlier requests forgot them%n", r.retainRecords(),
                    r.excludedEarlier());
            out.printf(Locale.ROOT, "  models    %s%n", keepPrevious ? "earlier versions kept (--keep-previous)"
                    : outcome.purged().isEmpty() ? "no earlier model file to delete" : "deleted " + String.join(", ", outcome.purged()));
            printCalibration(out, r);
            printCertificate(out, r);
            out.printf(Locale.ROOT, "  receipt   %s%n", UnlearnService.reportFile(s, outcome.version()));
            out.println("  the source data is not changed: the store tombstones these records and leaves them out of every later run; "
                    + whatTheModelIs(r.guarantee()));
            out.flush();
        }
        return ExitCodes.OK;
    }

    /**
     * The strength set from the data, when it was ({@code <method>.calibration} in the receipt's report): the value, what
     * the forget records were aimed at, and whether the bounds were met; a miss is said plainly, with what to do.
     */
    private static void printCalibration(PrintWriter out, dev.lethe.core.store.UnlearningReceipt r) {
        if (r.report() == null || !(r.report().get(r.method() + ".calibration") instanceof Map<?, ?> c)) {
            return;
        }
        boolean poisoned = Boolean.TRUE.equals(r.report().get("poisoned"));
        String retried = c.get("retryOption") == null ? "" : String.format(Locale.ROOT, " with %s = %s", c.get("retryOption"), c.get("retryValue"));
        out.printf(Locale.ROOT, "  strength  %s = %s%s, set from the data: forget records aimed at accuracy %.3f%s, kept records within %s points"
                        + " on %s %s records%n", c.get("option"), c.get("value"), retried, ((Number) c.get("forgetTarget")).doubleValue(),
                poisoned ? " (--poisoned)" : "", StrengthCalibration.points(((Number) c.get("retainDropMax")).doubleValue()),
                c.get("keepCheckSize"), c.get("keepCheck"));
        if (!Boolean.TRUE.equals(c.get("met"))) {
            String how = StrengthCalibration.FALLBACK_LEAST_COST.equals(c.get("fallback"))
                    ? "no value kept the other records within the bound, so the one that cost them least was used"
                    : "no value did both, so the one that forgets most while keeping the rest was used";
            out.printf(Locale.ROOT, "            NOT MET: %s%s; the receipt lists every trial. Set %s yourself (--opt) to decide the trade-off,"
                    + " allow the kept records a larger cost (--keep-within), or try another method%n", how, chosenTrial(c), c.get("option"));
        }
    }

    /**
     * What the value used did in its trial, from the receipt's calibration: ": it left the forget records at 0.356 (the
     * class's unseen records 0.368) and cost the kept records 3.2 points", or "" when the trial is not in the report.
     * {@code report} is the receipt's {@code <method>.calibration}, as the run made it or as it was read back.
     */
    static String chosenTrial(Map<?, ?> report) {
        // the receipt of a run just made holds the calibration's own records (StrengthCalibration.Trial), a stored one JSON
        Map<?, ?> calibration = JSON.convertValue(report, Map.class);
        if (!(calibration.get("trials") instanceof List<?> trials) || !(calibration.get("originalRetainAccuracy") instanceof Number original)) {
            return "";
        }
        for (Object t : trials) {
            if (t instanceof Map<?, ?> trial && java.util.Objects.equals(String.valueOf(trial.get("value")), String.valueOf(calibration.get("value")))
                    && java.util.Objects.equals(trial.get("retry"), calibration.get("retryValue"))
                    && trial.get("forgetAccuracy") instanceof Number forget && trial.get("retainAccuracy") instanceof Number kept) {
                String unseen = trial.get("unseenForgetAccuracy") instanceof Number u && !Double.isNaN(u.doubleValue())
                        ? String.format(Locale.ROOT, " (the class's unseen records %.3f)", u.doubleValue()) : "";
                return String.format(Locale.ROOT, ": it left the forget records at %.3f%s and cost the kept records %.1f points",
                        forget.doubleValue(), unseen, 100 * (original.doubleValue() - kept.doubleValue()));
            }
        }
        return "";
    }

    /** A certified removal's budget: the ε the series of removals from the trained model has spent and what is left. */
    private static void printCertificate(PrintWriter out, dev.lethe.core.store.UnlearningReceipt r) {
        if (r.report() == null || !(r.report().get("certified.epsilonSpent") instanceof Number spent)
                || !(r.options().get("epsilon") instanceof Number epsilon)) {
            return;
        }
        out.printf(Locale.ROOT, "  certificate  ε spent %.4g of %s, %.4g left (δ %s); the next certified removal starts from here%n",
                spent.doubleValue(), epsilon, Math.max(0, epsilon.doubleValue() - spent.doubleValue()), r.options().get("delta"));
    }

    /** What the new model version is, by the method's guarantee (as the receipt records it, lower case). */
    static String whatTheModelIs(String guarantee) {
        return switch (guarantee) {
            case "exact" -> "the new model was trained without them, as a retraining from scratch would be";
            case "certified" -> "the new model is provably close to one trained without them (the receipt records the ε spent)";
            default -> "an approximate method changes the model only, without a proof (use a SISA store or --method retrain for exact erasure)";
        };
    }
}
