package dev.lethe.core.data.catalog;

import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.encoding.InputEncoding;
import dev.lethe.core.data.load.RecordIds;

import java.util.ArrayList;
import java.util.List;

/** Small transformations the catalogue applies after loading. */
final class RecordSets {

    private RecordSets() {
    }

    /** The same records with ids {@code prefix-NNNN} by position. */
    static RecordSet withIndexedIds(RecordSet set, String prefix) {
        String[] ids = new String[set.size()];
        for (int i = 0; i < set.size(); i++) {
            ids[i] = RecordIds.indexed(prefix, i, set.size());
        }
        return new RecordSet(set.name(), ids, subjects(set), set.featuresView(), set.labels(), set.featureShape(), set.classNames());
    }

    /**
     * Every feature z-scored over the set: {@code (x - mean) / std} with the population standard
     * deviation (a constant feature becomes 0).
     */
    static Standardised standardised(RecordSet set) {
        int n = set.size();
        int width = set.featureSize();
        float[] in = set.featuresView();
        float[] out = new float[in.length];
        double[] means = new double[width];
        double[] deviations = new double[width];
        for (int f = 0; f < width; f++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += in[i * width + f];
            }
            double mean = sum / n;
            double squares = 0;
            for (int i = 0; i < n; i++) {
                double d = in[i * width + f] - mean;
                squares += d * d;
            }
            double std = Math.sqrt(squares / n);
            means[f] = mean;
            deviations[f] = std;
            for (int i = 0; i < n; i++) {
                out[i * width + f] = std > 0 ? (float) ((in[i * width + f] - mean) / std) : 0f;
            }
        }
        return new Standardised(new RecordSet(set.name(), set.ids().toArray(String[]::new), subjects(set), out, set.labels(),
                set.featureShape(), set.classNames()), means, deviations);
    }

    /** Standardised records and the fit: each feature's mean and population standard deviation. */
    record Standardised(RecordSet records, double[] means, double[] deviations) {

        /**
         * The fit as an input encoding of numeric columns {@code prefix-0…}: {@code (x − mean) / σ} (a constant column,
         * σ = 0, encodes as 0, as in training).
         */
        InputEncoding encoding(String prefix) {
            List<InputEncoding.Column> columns = new ArrayList<>();
            for (int f = 0; f < means.length; f++) {
                columns.add(InputEncoding.Column.numeric(prefix + "-" + f, means[f], deviations[f] > 0 ? 1 / deviations[f] : 0));
            }
            return new InputEncoding(columns);
        }
    }

    private static String[] subjects(RecordSet set) {
        String[] subjects = new String[set.size()];
        for (int i = 0; i < set.size(); i++) {
            subjects[i] = set.subject(i);
        }
        return subjects;
    }
}
