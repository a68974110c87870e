package dev.lethe.core.data.tofu;

import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.load.RecordIds;
import dev.lethe.core.data.text.QaRecords;
import dev.lethe.core.lm.QaItem;
import dev.lethe.core.text.Tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One TOFU benchmark subset (Maini et al. 2024, as OpenUnlearning runs it), scaled to what trains here:
 * the model is trained on the first {@code retainAuthors} authors of {@code full.json}, the authors of a
 * forget split, and the {@code world_facts} and {@code real_authors} sets as plain question–answer pairs
 * (so that model utility has general knowledge to keep); it is then asked to forget the split's authors.
 * The default, {@link #twentyAuthors}, is the 20-author benchmark: 18 retain authors plus forget01's two
 * (400 author pairs) plus 117 world facts and 100 real-author facts. Without the utility pairs
 * ({@code utilityPairs = false}) the model trains on the author pairs only, as ../shared/lm-probe.md did: those 400 pairs
 * are memorised exactly in 45 epochs, while the 617 pairs with the utility sets are not (docs/BENCHMARKS.md).
 *
 * <p>Record ids: {@code tofu-0042} (the pair's position in {@code full.json}), {@code wf-007} and
 * {@code ra-012} (positions in {@code world_facts.json} and {@code real_authors.json}). Subjects: the
 * author's name ({@link TofuAuthors}); {@value TofuFiles#WORLD_FACTS} and {@value TofuFiles#REAL_AUTHORS}
 * for the utility sets, one subject each: they are general knowledge, not people, and a forget request
 * by an author's name never touches them.
 *
 * @param forgetSplit {@code forget01}, {@code forget05} or {@code forget10}
 * @param retainAuthors how many of the first authors of {@code full.json} are trained as retain authors
 * @param forgetAuthors the names of the split's authors: forgetting them is forgetting these subjects
 * @param training the records the original model trains on
 * @param retainOnly the training records without the forget authors' (what the retrain reference trains on)
 * @param forget the split's evaluation items ({@code forgetNN_perturbed.json}: paraphrased and perturbed answers)
 * @param retain the items of {@code retain_perturbed.json} about the trained retain authors
 * @param realAuthors {@code real_authors_perturbed.json}
 * @param worldFacts {@code world_facts_perturbed.json}
 * @param holdout the split's {@code holdoutNN.json}: authors the model never saw (for membership attacks)
 */
public record TofuBenchmarkSet(String forgetSplit, int retainAuthors, List<String> forgetAuthors, RecordSet training,
                               RecordSet retainOnly, List<QaItem> forget, List<QaItem> retain,
                               List<QaItem> realAuthors, List<QaItem> worldFacts, List<QaItem> holdout) {

    /** The forget splits and how many authors each holds. */
    public static final Map<String, Integer> SPLITS = Map.of("forget01", 2, "forget05", 10, "forget10", 20);
    /** The default split. */
    public static final String DEFAULT_SPLIT = "forget01";
    /** Retain authors of the 20-author benchmark. */
    public static final int DEFAULT_RETAIN_AUTHORS = 18;
    private static final int WORLD_FACTS_ID_SPACE = 1000;

    public TofuBenchmarkSet {
        forgetAuthors = List.copyOf(forgetAuthors);
        forget = List.copyOf(forget);
        retain = List.copyOf(retain);
        realAuthors = List.copyOf(realAuthors);
        worldFacts = List.copyOf(worldFacts);
        holdout = List.copyOf(holdout);
    }

    /** The 20-author benchmark: 18 retain authors plus forget01. */
    public static TofuBenchmarkSet twentyAuthors(Path tofuDir, Tokenizer tokenizer) throws IOException {
        return of(tofuDir, DEFAULT_SPLIT, DEFAULT_RETAIN_AUTHORS, tokenizer);
    }

    /** {@link #of(Path, String, int, boolean, Tokenizer)} with the utility pairs in the training set. */
    public static TofuBenchmarkSet of(Path tofuDir, String forgetSplit, int retainAuthors, Tokenizer tokenizer) throws IOException {
        return of(tofuDir, forgetSplit, retainAuthors, true, tokenizer);
    }

    /**
     * Builds the subset from the TOFU files in {@code tofuDir}.
     *
     * @param forgetSplit {@code forget01}, {@code forget05} or {@code forget10}
     * @param retainAuthors the first N authors of {@code full.json} to train as retain authors (they may
     *                      not reach the forget split's authors, which are the last ones)
     * @param utilityPairs whether world facts and real authors are trained too (the benchmark's default); without them
     *                     model utility still asks about them, as TOFU asks a pretrained model
     */
    public static TofuBenchmarkSet of(Path tofuDir, String forgetSplit, int retainAuthors, boolean utilityPairs, Tokenizer tokenizer)
            throws IOException {
        Integer forgetCount = SPLITS.get(forgetSplit);
        if (forgetCount == null) {
            throw new IllegalArgumentException("unknown TOFU forget split '" + forgetSplit + "'; use one of forget01, forget05, forget10");
        }
        if (!Files.isRegularFile(tofuDir.resolve(TofuAuthors.FULL_FILE))) {
            throw new IllegalArgumentException(tofuDir + " holds no " + TofuAuthors.FULL_FILE
                    + ": point at the TOFU folder (e.g. ../shared/datasets/tofu)");
        }
        TofuAuthors authors = TofuAuthors.ofFolder(tofuDir);
        int maxRetain = authors.count() - forgetCount;
        if (retainAuthors < 0 || retainAuthors > maxRetain) {
            throw new IllegalArgumentException("retain authors must be in [0, " + maxRetain + "] for " + forgetSplit
                    + " (its " + forgetCount + " authors are the last of " + authors.count() + "), got " + retainAuthors);
        }
        List<QaItem> full = authors.items();
        int retainPairs = retainAuthors * TofuAuthors.PAIRS_PER_AUTHOR;
        List<QaItem> forgetPairs = inFull(authors, TofuFiles.parse(tofuDir.resolve(forgetSplit + ".json")), forgetSplit);
        List<QaItem> authorPairs = new ArrayList<>(full.subList(0, retainPairs));
        authorPairs.addAll(forgetPairs);
        Set<String> forgetNames = new LinkedHashSet<>();
        forgetPairs.forEach(item -> forgetNames.add(item.subject()));

        String name = "tofu/" + TofuSource.subsetName(forgetSplit, retainAuthors, utilityPairs);
        RecordSet authorRecords = QaRecords.of(name, authorPairs, item -> RecordIds.indexed("tofu", item.index(), full.size()), tokenizer);
        RecordSet training = !utilityPairs ? authorRecords : RecordSet.concat(name, List.of(authorRecords,
                QaRecords.of(name, TofuFiles.read(tofuDir.resolve("world_facts.json"), authors),
                        item -> RecordIds.indexed("wf", item.index(), WORLD_FACTS_ID_SPACE), tokenizer),
                QaRecords.of(name, TofuFiles.read(tofuDir.resolve("real_authors.json"), authors),
                        item -> RecordIds.indexed("ra", item.index(), WORLD_FACTS_ID_SPACE), tokenizer)));
        RecordSet retainOnly = training.filter(name + "/retain", i -> !forgetNames.contains(training.subject(i)));

        List<QaItem> retainEval = TofuFiles.read(tofuDir.resolve("retain_perturbed.json"), authors).stream()
                .filter(item -> authors.indexOf(item) >= 0 && authors.indexOf(item) < retainPairs).toList();
        String percent = forgetSplit.substring("forget".length());
        return new TofuBenchmarkSet(forgetSplit, retainAuthors, List.copyOf(forgetNames), training, retainOnly,
                TofuFiles.read(tofuDir.resolve(forgetSplit + "_perturbed.json"), authors), retainEval,
                TofuFiles.read(tofuDir.resolve("real_authors_perturbed.json"), authors),
                TofuFiles.read(tofuDir.resolve("world_facts_perturbed.json"), authors),
                TofuFiles.read(tofuDir.resolve("holdout" + percent + ".json"), authors));
    }

    /** The forget split's pairs as the pairs of {@code full.json} (their index and subject from there). */
    private static List<QaItem> inFull(TofuAuthors authors, List<QaItem> split, String forgetSplit) {
        List<QaItem> inFull = new ArrayList<>(split.size());
        List<QaItem> full = authors.items();
        for (QaItem item : split) {
            int index = authors.indexOf(item);
            if (index < 0) {
                throw new IllegalArgumentException(forgetSplit + ".json item " + item.index() + " is not in "
                        + TofuAuthors.FULL_FILE + " (question '" + item.question() + "'): the TOFU folder is inconsistent");
            }
            inFull.add(full.get(index));
        }
        return inFull;
    }

    /** The training records of the forget authors: what forgetting the split removes. */
    public RecordSet forgetRecords() {
        Set<String> names = Set.copyOf(forgetAuthors);
        return training.filter(training.name() + "/forget", i -> names.contains(training.subject(i)));
    }
}
