package dev.lethe.core.lm.metrics;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.Deflater;

/**
 * Per-item membership-inference scores as OpenUnlearning computes them (src/evals/metrics/mia/*.py). All
 * are loss-like: higher means less member-like. The loss score is the mean NLL itself (Yeom et al. 2018).
 * Min-k and min-k++ take token log-probs without the last labelled position (the caller drops it);
 * zlib and loss keep it.
 */
public final class MiaScores {

    /** OpenUnlearning's k for TOFU (configs/eval/tofu_metrics/mia_min_k*.yaml). */
    public static final double TOFU_K = 0.4;

    private static final double MIN_VARIANCE = 1e-6;

    private MiaScores() {
    }

    /**
     * zlib (Carlini et al. 2021, mia/zlib.py): the mean NLL divided by the length of
     * {@code zlib.compress(text.encode("utf-8"))} at the default level, header and Adler-32 included.
     */
    public static double zlib(double meanNll, String text) {
        return meanNll / zlibLength(text);
    }

    /** The byte length of Python's {@code zlib.compress(text.encode("utf-8"))}: default level, zlib wrapper. */
    public static int zlibLength(String text) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
        try {
            deflater.setInput(text.getBytes(StandardCharsets.UTF_8));
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[1024];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return out.size();
        } finally {
            deflater.end();
        }
    }

    /**
     * Min-k% prob (Shi et al. 2024, mia/min_k.py): {@code -mean} of the {@code max(1, int(len·k))} lowest
     * token log-probs; 0 for no tokens. {@code int(len·k)} truncates the double product (100 × 0.29 → 28).
     */
    public static double minK(double[] tokenLogProbs, double k) {
        if (tokenLogProbs.length == 0) {
            return 0;
        }
        return -meanOfLowest(tokenLogProbs, k);
    }

    /**
     * Min-k%++ (Zhang et al. 2024, mia/min_k_plus_plus.py): min-k over the standardised log-probs
     * {@code (log p − μ) / sqrt(max(σ², 1e-6))}, μ and σ² the mean and variance of log p under the model's
     * own next-token distribution at each position; 0 for no tokens.
     */
    public static double minKPlusPlus(double[] tokenLogProbs, double[] expectedLogProbs, double[] logProbVariances, double k) {
        if (expectedLogProbs.length != tokenLogProbs.length || logProbVariances.length != tokenLogProbs.length) {
            throw new IllegalArgumentException("min-k++ needs μ and σ² at each of the " + tokenLogProbs.length
                    + " positions; got " + expectedLogProbs.length + " and " + logProbVariances.length);
        }
        if (tokenLogProbs.length == 0) {
            return 0;
        }
        double[] standardised = new double[tokenLogProbs.length];
        for (int i = 0; i < standardised.length; i++) {
            standardised[i] = (tokenLogProbs[i] - expectedLogProbs[i]) / Math.sqrt(Math.max(logProbVariances[i], MIN_VARIANCE));
        }
        return -meanOfLowest(standardised, k);
    }

    private static double meanOfLowest(double[] values, double k) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int count = Math.max(1, (int) (sorted.length * k));
        double sum = 0;
        for (int i = 0; i < count; i++) {
            sum += sorted[i];
        }
        return sum / count;
    }
}
