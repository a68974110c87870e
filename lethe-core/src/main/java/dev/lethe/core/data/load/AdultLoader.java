package dev.lethe.core.data.load;

import dev.lethe.core.data.DataFormatException;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.encoding.InputEncoding;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipException;

/**
 * Loads the UCI Adult (census income) data set from its original text files, {@code adult.data} and
 * {@code adult.test} (gzip or plain): 14 attributes and the label, separated by {@code ", "}.
 *
 * <p>Lines starting with {@code |} (the test file's first line, {@code |1x3 Cross validator}) and blank
 * lines are skipped; the test file's labels end with a '.', which is dropped. Classes are
 * {@code ["<=50K", ">50K"]}. Record ids are {@code train-N} and {@code test-N}, N the 1-based data row.
 *
 * <p>Encoding, 105 features (see {@link #featureNames()}):
 * <ul>
 *   <li>each of the 8 categorical attributes is one-hot over the fixed category list of
 *       {@code adult.names}, so train and test encode identically; a missing value ({@code ?}) is an
 *       all-zero block, and a category outside the list is an error;</li>
 *   <li>each of the 6 numeric attributes is standardised, {@code (x - mean) / std}, with the mean and
 *       the population standard deviation of the <em>training</em> file applied to both files; a
 *       missing numeric value becomes 0 (the training mean).</li>
 * </ul>
 * A row with the wrong field count, a non-numeric value, an unknown category or an unknown label is a
 * {@link DataFormatException} naming the file, the line and the field.
 */
public final class AdultLoader {

    /** The two income classes, in label order. */
    public static final List<String> CLASSES = List.of("<=50K", ">50K");

    private static final String MISSING = "?";

    /** One attribute of the file; {@code categories} is empty for a numeric attribute. */
    private record Attribute(String name, List<String> categories) {
        boolean numeric() {
            return categories.isEmpty();
        }
    }

    private static final List<Attribute> ATTRIBUTES = List.of(
            numeric("age"),
            categorical("workclass", "Private, Self-emp-not-inc, Self-emp-inc, Federal-gov, Local-gov, State-gov, "
                    + "Without-pay, Never-worked"),
            numeric("fnlwgt"),
            categorical("education", "Bachelors, Some-college, 11th, HS-grad, Prof-school, Assoc-acdm, Assoc-voc, "
                    + "9th, 7th-8th, 12th, Masters, 1st-4th, 10th, Doctorate, 5th-6th, Preschool"),
            numeric("education-num"),
            categorical("marital-status", "Married-civ-spouse, Divorced, Never-married, Separated, Widowed, "
                    + "Married-spouse-absent, Married-AF-spouse"),
            categorical("occupation", "Tech-support, Craft-repair, Other-service, Sales, Exec-managerial, "
                    + "Prof-specialty, Handlers-cleaners, Machine-op-inspct, Adm-clerical, Farming-fishing, "
                    + "Transport-moving, Priv-house-serv, Protective-serv, Armed-Forces"),
            categorical("relationship", "Wife, Own-child, Husband, Not-in-family, Other-relative, Unmarried"),
            categorical("race", "White, Asian-Pac-Islander, Amer-Indian-Eskimo, Other, Black"),
            categorical("sex", "Female, Male"),
            numeric("capital-gain"),
            numeric("capital-loss"),
            numeric("hours-per-week"),
            categorical("native-country", "United-States, Cambodia, England, Puerto-Rico, Canada, Germany, "
                    + "Outlying-US(Guam-USVI-etc), India, Japan, Greece, South, China, Cuba, Iran, Honduras, "
                    + "Philippines, Italy, Poland, Jamaica, Vietnam, Mexico, Portugal, Ireland, France, "
                    + "Dominican-Republic, Laos, Ecuador, Taiwan, Haiti, Columbia, Hungary, Guatemala, Nicaragua, "
                    + "Scotland, Thailand, Yugoslavia, El-Salvador, Trinadad&Tobago, Peru, Hong, Holand-Netherlands"));

    private static final int FIELDS = ATTRIBUTES.size() + 1;

    private AdultLoader() {
    }

    /** Loads both files, standardising with the training file's statistics. */
    public static RecordSet.Split load(Path trainFile, Path testFile) throws IOException {
        Encoded data = loadEncoded(trainFile, testFile);
        return new RecordSet.Split(data.train(), data.test());
    }

    /**
     * Both files and the encoding fitted on the training file.
     *
     * @param train the training records
     * @param test the test records
     * @param encoding the 14 attributes as raw columns: one-hot categories, numbers standardised with the training
     *                 file's mean and deviation (a missing number is the mean)
     */
    public record Encoded(RecordSet train, RecordSet test, InputEncoding encoding) {
    }

    /** {@link #load}, with the encoding a raw census row takes to become the same features. */
    public static Encoded loadEncoded(Path trainFile, Path testFile) throws IOException {
        List<Row> train = parse(trainFile);
        List<Row> test = parse(testFile);
        double[][] meanStd = meanAndStd(train);
        List<InputEncoding.Column> columns = new ArrayList<>();
        for (int a = 0; a < ATTRIBUTES.size(); a++) {
            Attribute attribute = ATTRIBUTES.get(a);
            columns.add(attribute.numeric()
                    ? new InputEncoding.Column(attribute.name(), 1, List.of(), meanStd[a][0], 1 / meanStd[a][1], true)
                    : InputEncoding.Column.categorical(attribute.name(), attribute.categories()));
        }
        return new Encoded(encode("adult/train", "train", train, meanStd), encode("adult/test", "test", test, meanStd),
                new InputEncoding(columns));
    }

    /** The feature names in order: a numeric attribute's name, or {@code attribute=category}. */
    public static List<String> featureNames() {
        List<String> names = new ArrayList<>();
        for (Attribute a : ATTRIBUTES) {
            if (a.numeric()) {
                names.add(a.name());
            } else {
                a.categories().forEach(c -> names.add(a.name() + "=" + c));
            }
        }
        return names;
    }

    /** One parsed data row: the attribute values (NaN or -1 when missing) and the label. */
    private record Row(double[] values, int label) {
    }

    private static List<Row> parse(Path file) throws IOException {
        List<Row> rows = new ArrayList<>();
        int lineNo = 0;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(Inputs.open(file), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                lineNo++;
                if (!line.isBlank() && !line.startsWith("|")) {
                    rows.add(parseRow(file, lineNo, line));
                }
            }
        } catch (ZipException | EOFException e) {
            throw new DataFormatException(file.toString(), "line " + (lineNo + 1), "the gzip data is corrupt or truncated ("
                    + e.getMessage() + ")", e);
        }
        if (rows.isEmpty()) {
            throw new DataFormatException(file, "", "the file has no data rows");
        }
        return rows;
    }

    private static Row parseRow(Path file, int lineNo, String line) {
        String[] fields = line.split(",", -1);
        if (fields.length != FIELDS) {
            throw new DataFormatException(file, "line " + lineNo, "expected " + FIELDS
                    + " comma-separated fields, found " + fields.length);
        }
        double[] values = new double[ATTRIBUTES.size()];
        for (int a = 0; a < ATTRIBUTES.size(); a++) {
            Attribute attribute = ATTRIBUTES.get(a);
            String value = fields[a].trim();
            String where = "line " + lineNo + ", field " + (a + 1) + " (" + attribute.name() + ")";
            if (value.equals(MISSING)) {
                values[a] = attribute.numeric() ? Double.NaN : -1;
            } else if (attribute.numeric()) {
                values[a] = number(file, where, value);
            } else {
                values[a] = attribute.categories().indexOf(value);
                if (values[a] < 0) {
                    throw new DataFormatException(file, where, "unknown category '" + value + "'");
                }
            }
        }
        String label = fields[ATTRIBUTES.size()].trim();
        label = label.endsWith(".") ? label.substring(0, label.length() - 1) : label;
        if (!CLASSES.contains(label)) {
            throw new DataFormatException(file, "line " + lineNo + ", field " + FIELDS, "label '" + label
                    + "' is not one of " + CLASSES);
        }
        return new Row(values, CLASSES.indexOf(label));
    }

    private static double number(Path file, String where, String value) {
        double x = CsvLoader.isDecimal(value) ? parseOrNaN(value) : Double.NaN;
        if (!Double.isFinite(x)) {
            throw new DataFormatException(file, where, "'" + value + "' is not a number");
        }
        return x;
    }

    private static double parseOrNaN(String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** Per attribute {mean, std} over the present values of the rows (std 1 when it would be 0). */
    private static double[][] meanAndStd(List<Row> rows) {
        double[][] stats = new double[ATTRIBUTES.size()][];
        for (int a = 0; a < ATTRIBUTES.size(); a++) {
            if (!ATTRIBUTES.get(a).numeric()) {
                continue;
            }
            int col = a;
            double[] present = rows.stream().mapToDouble(r -> r.values()[col]).filter(v -> !Double.isNaN(v)).toArray();
            double mean = Arrays.stream(present).average().orElse(0);
            double var = Arrays.stream(present).map(v -> (v - mean) * (v - mean)).average().orElse(0);
            stats[a] = new double[]{mean, var > 0 ? Math.sqrt(var) : 1};
        }
        return stats;
    }

    private static RecordSet encode(String name, String idPrefix, List<Row> rows, double[][] meanStd) {
        int width = featureNames().size();
        float[] features = new float[rows.size() * width];
        String[] ids = new String[rows.size()];
        int[] labels = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            int at = i * width;
            for (int a = 0; a < ATTRIBUTES.size(); a++) {
                Attribute attribute = ATTRIBUTES.get(a);
                double v = row.values()[a];
                if (attribute.numeric()) {
                    features[at++] = Double.isNaN(v) ? 0f : (float) ((v - meanStd[a][0]) / meanStd[a][1]);
                } else {
                    if (v >= 0) {
                        features[at + (int) v] = 1f;
                    }
                    at += attribute.categories().size();
                }
            }
            ids[i] = idPrefix + "-" + (i + 1);
            labels[i] = row.label();
        }
        return new RecordSet(name, ids, null, features, labels, new int[]{width}, CLASSES);
    }

    private static Attribute numeric(String name) {
        return new Attribute(name, List.of());
    }

    private static Attribute categorical(String name, String categories) {
        return new Attribute(name, List.of(categories.split(", ")));
    }
}
