package dev.lethe.core.lm.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ROUGE-1 and ROUGE-L as google-research's rouge-score 0.1.2 computes them with
 * {@code RougeScorer(["rouge1", "rougeL"], use_stemmer=True).score(target=ground_truth, prediction=generation)},
 * which OpenUnlearning's {@code eval_text_similarity} (src/evals/metrics/utils.py) calls for every
 * TOFU and MUSE ROUGE number. TOFU reports ROUGE-L recall, MUSE ROUGE-L F1.
 *
 * <p>Tokenisation (rouge_score/tokenize.py): lower case, every character outside {@code [a-z0-9]} is a
 * separator (apostrophes, hyphens and non-ASCII letters too), then tokens longer than 3 characters are
 * stemmed with NLTK's Porter stemmer ({@link PorterStemmer}). ROUGE-1 counts clipped unigram overlap;
 * ROUGE-L is the longest common subsequence (Lin 2004). Recall divides by the ground truth's token count,
 * precision by the generation's, and F1 = 2PR/(P+R) (0 when both are 0).
 */
public final class Rouge {

    /** The three values OpenUnlearning keeps per item. */
    public record Scores(double rouge1Recall, double rougeLRecall, double rougeLF1) {
    }

    private Rouge() {
    }

    /** rouge-score's tokens of a text: lower-cased, split on every non-{@code [a-z0-9]} character, long tokens stemmed. */
    public static List<String> tokenize(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        List<String> tokens = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i <= lower.length(); i++) {
            char c = i < lower.length() ? lower.charAt(i) : ' ';
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                current.append(c);
            } else if (current.length() > 0) {
                String token = current.toString();
                tokens.add(token.length() > 3 ? PorterStemmer.stem(token) : token);
                current.setLength(0);
            }
        }
        return tokens;
    }

    /** All three scores of a generation against its ground truth. */
    public static Scores score(String generation, String groundTruth) {
        List<String> prediction = tokenize(generation);
        List<String> target = tokenize(groundTruth);
        return new Scores(rouge1Recall(prediction, target), lcsRecall(prediction, target), lcsF1(prediction, target));
    }

    /** ROUGE-L recall: LCS length / ground-truth token count (TOFU's ROUGE). */
    public static double rougeLRecall(String generation, String groundTruth) {
        return lcsRecall(tokenize(generation), tokenize(groundTruth));
    }

    /** ROUGE-L F1 (MUSE's ROUGE). */
    public static double rougeLF1(String generation, String groundTruth) {
        return lcsF1(tokenize(generation), tokenize(groundTruth));
    }

    /** ROUGE-1 recall: clipped unigram overlap / ground-truth token count. */
    public static double rouge1Recall(String generation, String groundTruth) {
        return rouge1Recall(tokenize(generation), tokenize(groundTruth));
    }

    private static double rouge1Recall(List<String> prediction, List<String> target) {
        Map<String, Integer> predictionCounts = new HashMap<>();
        prediction.forEach(t -> predictionCounts.merge(t, 1, Integer::sum));
        Map<String, Integer> targetCounts = new HashMap<>();
        target.forEach(t -> targetCounts.merge(t, 1, Integer::sum));
        int overlap = 0;
        for (Map.Entry<String, Integer> e : targetCounts.entrySet()) {
            overlap += Math.min(e.getValue(), predictionCounts.getOrDefault(e.getKey(), 0));
        }
        return overlap / (double) Math.max(target.size(), 1);
    }

    private static double lcsRecall(List<String> prediction, List<String> target) {
        if (prediction.isEmpty() || target.isEmpty()) {
            return 0;
        }
        return lcsLength(prediction, target) / (double) target.size();
    }

    private static double lcsF1(List<String> prediction, List<String> target) {
        if (prediction.isEmpty() || target.isEmpty()) {
            return 0;
        }
        int lcs = lcsLength(prediction, target);
        double precision = lcs / (double) prediction.size();
        double recall = lcs / (double) target.size();
        return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
    }

    private static int lcsLength(List<String> a, List<String> b) {
        int[] previous = new int[b.size() + 1];
        int[] current = new int[b.size() + 1];
        for (String tokenA : a) {
            for (int j = 1; j <= b.size(); j++) {
                current[j] = tokenA.equals(b.get(j - 1)) ? previous[j - 1] + 1 : Math.max(previous[j], current[j - 1]);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.size()];
    }
}
