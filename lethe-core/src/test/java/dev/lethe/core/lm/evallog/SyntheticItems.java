package dev.lethe.core.lm.evallog;

import dev.lethe.core.lm.ItemScores;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Seeded synthetic per-item scores with every field filled, shaped like a small model's evaluation. */
final class SyntheticItems {

    private static final String[] WORDS = {"the", "author", "wrote", "novels", "about", "running", "rivers", "in",
            "Paris", "her", "father's", "books", "were", "dying", "stars", "1990s", "award-winning", "poetry"};

    private SyntheticItems() {
    }

    /** {@code count} items with indices {@code 0..count-1}, {@code perturbed} wrong answers each; the seed drives every score. */
    static List<ItemScores> items(String split, int count, int perturbed, long seed) {
        Random random = new Random(seed);
        List<ItemScores> items = new ArrayList<>();
        for (int index = 0; index < count; index++) {
            String answer = sentence(random, 4 + random.nextInt(8));
            int n = 3 + random.nextInt(15);
            int[] tokens = new int[n];
            int[] argmax = new int[n];
            double[] nlls = new double[n];
            double[] mu = new double[n];
            double[] variance = new double[n];
            for (int t = 0; t < n; t++) {
                tokens[t] = random.nextInt(256);
                argmax[t] = random.nextDouble() < 0.7 ? tokens[t] : random.nextInt(256);
                nlls[t] = random.nextDouble() * 4;
                mu[t] = -random.nextDouble() * 3;
                // some near-zero variances exercise min-k++'s clamp
                variance[t] = random.nextDouble() < 0.1 ? 1e-9 : random.nextDouble() * 2;
            }
            double[] perturbedNlls = new double[perturbed];
            for (int j = 0; j < perturbed; j++) {
                perturbedNlls[j] = 0.5 + random.nextDouble() * 4;
            }
            String generation = random.nextDouble() < 0.5 ? answer : sentence(random, 3 + random.nextInt(6));
            items.add(new ItemScores(index, question(split, index),
                    answer, tokens, nlls, argmax, mu, variance, 0.3 + random.nextDouble() * 3, perturbedNlls, generation));
        }
        return items;
    }

    /** The same question for the same split and index whatever the seed, as two models evaluated on one split see. */
    static String question(String split, int index) {
        return "Who wrote book " + index + " of the " + split + " authors?";
    }

    private static String sentence(Random random, int words) {
        StringBuilder text = new StringBuilder();
        for (int w = 0; w < words; w++) {
            text.append(w == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
        }
        return text.append('.').toString();
    }
}
