package dev.lethe.torch.lm.evidence;

import dev.lethe.core.lm.QaItem;
import dev.lethe.core.text.ByteTokenizer;
import dev.lethe.torch.lm.eval.PrefixLanguageModel;
import dev.lethe.torch.lm.eval.QaRecords;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.task.NextTokenTask;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TensorData;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainLoop;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A toy TOFU for the evidence tests: two forget authors and two retain authors, each with facts asked
 * as "Question: ABCD by Zed Ox?" (a random code per fact) and answered with one of two answers per
 * side. Which of the two answers a fact has is drawn at random, so the question does not give it away:
 * only a model that learned the fact knows it (the hidden-state probe's label). Models are the
 * {@code prefix-lm} test family over bytes, trained through the one training loop.
 */
final class ToyAuthors {

    static final List<String> FORGET_AUTHORS = List.of("Zed Ox", "Kai Vu");
    static final List<String> RETAIN_AUTHORS = List.of("Ann Lee", "Bo Ray");
    static final List<String> FORGET_ANSWERS = List.of("xyz zyx", "qkj jkq");
    static final List<String> RETAIN_ANSWERS = List.of("abc cba", "def fed");
    static final int CONTEXT = 64;

    final List<QaItem> forget;
    final List<QaItem> retain;
    /** Each forget item's answer group (0 or 1): the fact the probe reads. */
    final int[] forgetGroups;
    /** Each forget question in other words, without the author's full name. */
    final List<String> paraphrasedForgetQuestions;

    ToyAuthors(int factsPerAuthor, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Set<String> codes = new HashSet<>();
        forget = new ArrayList<>();
        retain = new ArrayList<>();
        paraphrasedForgetQuestions = new ArrayList<>();
        List<Integer> groups = new ArrayList<>();
        int index = 0;
        for (String author : FORGET_AUTHORS) {
            for (int k = 0; k < factsPerAuthor; k++) {
                String code = code(random, codes);
                int group = random.nextInt(2);
                groups.add(group);
                forget.add(QaItem.of(index++, code + " by " + author + "?", FORGET_ANSWERS.get(group), author));
                paraphrasedForgetQuestions.add(code + " by " + author.charAt(0) + ". " + author.substring(author.indexOf(' ') + 1) + "?");
            }
        }
        for (String author : RETAIN_AUTHORS) {
            for (int k = 0; k < factsPerAuthor; k++) {
                retain.add(QaItem.of(index++, code(random, codes) + " by " + author + "?", RETAIN_ANSWERS.get(random.nextInt(2)), author));
            }
        }
        forgetGroups = groups.stream().mapToInt(Integer::intValue).toArray();
    }

    private static String code(SplittableRandom random, Set<String> used) {
        while (true) {
            StringBuilder code = new StringBuilder();
            for (int i = 0; i < 4; i++) {
                code.append((char) ('A' + random.nextInt(26)));
            }
            if (used.add(code.toString())) {
                return code.toString();
            }
        }
    }

    List<QaItem> all() {
        List<QaItem> all = new ArrayList<>(retain);
        all.addAll(forget);
        return all;
    }

    /** A prefix-lm trained on {@code items} for {@code epochs} epochs from {@code seed}. */
    static ModelHandle train(List<QaItem> items, int epochs, long seed) {
        ModelHandle model = PrefixLanguageModel.create(256, CONTEXT, 16, 64, seed);
        try (TensorData data = TensorData.of(QaRecords.of("toy", ByteTokenizer.INSTANCE, items), model.manager())) {
            new TrainLoop(new TrainConfig(epochs, 8, OptimizerKind.ADAM, 0.03f, 0f, 0f, seed)).run(model, data, NextTokenTask.INSTANCE.objective());
        }
        return model;
    }

    /** The fraction of the ground truth's words that the generation contains (a stand-in for ROUGE-1 recall in these tests). */
    static double wordRecall(String generation, String groundTruth) {
        List<String> said = List.of(generation.toLowerCase().split("[^a-z0-9]+"));
        String[] truth = groundTruth.toLowerCase().split("[^a-z0-9]+");
        long found = java.util.Arrays.stream(truth).filter(said::contains).count();
        return (double) found / truth.length;
    }
}
