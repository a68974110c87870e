package dev.lethe.torch.scenario;

import dev.lethe.core.data.RecordSet;

import java.util.Arrays;

/**
 * The BadNets trigger (Gu, Dolan-Gavitt and Garg 2017, "BadNets: Identifying Vulnerabilities in the
 * Machine Learning Model Supply Chain"): a {@code size × size} square of one intensity stamped into
 * the bottom-right corner of an image, on every channel.
 *
 * <p>Image geometry, from a record's feature shape: {@code [C, H, W]} is used as it is; {@code [H, W]}
 * is one channel; a flat {@code [N]} with {@code N} a perfect square is read as one {@code √N × √N}
 * channel in row-major order (the 8×8 digits are stored as {@code [64]}). Pixel {@code (c, y, x)} is
 * feature {@code c·H·W + y·W + x}; the trigger covers {@code y, x ∈ [H − size, H) × [W − size, W)}.
 * Other shapes are refused: a trigger patch needs images.
 *
 * @param size side of the square in pixels, at least 1
 * @param value the intensity written into the square (the data's maximum for a "max-intensity" patch)
 */
public record Trigger(int size, float value) {

    public Trigger {
        if (size < 1) {
            throw new IllegalArgumentException("--trigger-size must be at least 1 pixel, got " + size);
        }
    }

    /** {@code [C, H, W]} of a feature shape, or an exception naming the shape. */
    public static int[] geometry(int[] featureShape) {
        if (featureShape.length == 3) {
            return featureShape.clone();
        }
        if (featureShape.length == 2) {
            return new int[]{1, featureShape[0], featureShape[1]};
        }
        if (featureShape.length == 1) {
            int side = (int) Math.round(Math.sqrt(featureShape[0]));
            if (side * side == featureShape[0]) {
                return new int[]{1, side, side};
            }
        }
        throw new IllegalArgumentException("the backdoor scenario needs image data ([C,H,W], [H,W] or a square [N]); features have shape "
                + Arrays.toString(featureShape));
    }

    /** The records at {@code positions} with the trigger stamped in, relabelled to {@code label} (or kept when {@code label < 0}). */
    public RecordSet stamp(RecordSet set, String name, int[] positions, int label) {
        int[] chw = geometry(set.featureShape());
        if (size > chw[1] || size > chw[2]) {
            throw new IllegalArgumentException("--trigger-size " + size + " does not fit " + chw[1] + "×" + chw[2] + " images");
        }
        RecordSet selected = set.select(name, positions);
        float[] features = selected.featuresView().clone();
        int width = selected.featureSize();
        for (int r = 0; r < selected.size(); r++) {
            for (int c = 0; c < chw[0]; c++) {
                for (int y = chw[1] - size; y < chw[1]; y++) {
                    for (int x = chw[2] - size; x < chw[2]; x++) {
                        features[r * width + c * chw[1] * chw[2] + y * chw[2] + x] = value;
                    }
                }
            }
        }
        int[] labels = selected.labels();
        if (label >= 0) {
            Arrays.fill(labels, label);
        }
        String[] ids = selected.ids().toArray(String[]::new);
        String[] subjects = new String[selected.size()];
        for (int i = 0; i < subjects.length; i++) {
            subjects[i] = selected.subject(i);
        }
        return new RecordSet(name, ids, subjects, features, labels, selected.featureShape(), selected.classNames());
    }

    /** The largest feature value of a set: the intensity of a "max-intensity" trigger. */
    public static float maxIntensity(RecordSet set) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : set.featuresView()) {
            max = Math.max(max, v);
        }
        return max;
    }
}
