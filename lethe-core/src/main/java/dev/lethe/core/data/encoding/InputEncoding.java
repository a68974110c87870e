package dev.lethe.core.data.encoding;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lethe.core.data.DataFormatException;
import dev.lethe.core.data.load.CsvLoader;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How a record in its data set's own form — a CSV row, raw pixel values, census attributes — becomes the feature
 * vector the model reads, fitted when the data was loaded for training and kept in the store with the model (as a
 * scikit-learn {@code Pipeline} keeps its scaler and encoder), so that {@code lethe predict} and
 * {@code POST /v1/predict} take raw records and encode them exactly as training did.
 *
 * <p>Each raw column is numeric, encoded as {@code (x − offset) · scale} (a 1/16 or 1/255 pixel scale, or a
 * standardisation with the training mean as offset and 1/σ as scale), or categorical, encoded one-hot over its
 * category list (a missing value, {@code ?} or empty, is an all-zero block; an unknown category is refused). A column
 * with {@code count > 1} stands for that many numeric columns alike, named {@code name-0 … name-(count−1)} (the pixels
 * of an image), so that the manifest stays small.
 *
 * @param columns the raw columns in input order
 */
public record InputEncoding(List<Column> columns) {

    /** The missing-value marker of the census files, besides an empty field. */
    public static final String MISSING = "?";

    /**
     * One raw column, or a run of alike numeric ones.
     *
     * @param name the column's name (a run's prefix)
     * @param count how many raw columns it stands for (1, or the run's length for numeric columns)
     * @param categories the category list of a categorical column, empty for a numeric one
     * @param offset subtracted from a numeric value
     * @param scale multiplies a numeric value after the offset
     * @param missingIsOffset a numeric value may be missing ({@code ?} or empty) and then encodes as 0, the offset (the
     *                        training mean of a standardised column, as the census loader does); false refuses it
     */
    public record Column(String name, int count, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> categories, double offset,
                         double scale, boolean missingIsOffset) {
        public Column {
            Objects.requireNonNull(name, "name");
            categories = categories == null ? List.of() : List.copyOf(categories);
            if (count < 1 || (!categories.isEmpty() && count != 1)) {
                throw new IllegalArgumentException("column " + name + ": count must be 1, or more for a numeric run; got " + count);
            }
            if (!Double.isFinite(offset) || !Double.isFinite(scale)) { // a scale of 0: the column was constant in training
                throw new IllegalArgumentException("column " + name + ": offset and scale must be finite");
            }
        }

        /** A numeric column encoded as {@code (x − offset) · scale}. */
        public static Column numeric(String name, double offset, double scale) {
            return new Column(name, 1, List.of(), offset, scale, false);
        }

        /** A categorical column, one-hot over {@code categories}. */
        public static Column categorical(String name, List<String> categories) {
            return new Column(name, 1, categories, 0, 1, false);
        }

        @JsonIgnore
        public boolean isCategorical() {
            return !categories.isEmpty();
        }

        /** The raw column names it stands for. */
        List<String> rawNames() {
            if (count == 1) {
                return List.of(name);
            }
            List<String> names = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                names.add(name + "-" + i);
            }
            return names;
        }

        /** Features it makes: one per numeric column, one per category. */
        int width() {
            return isCategorical() ? categories.size() : count;
        }
    }

    public InputEncoding {
        columns = List.copyOf(columns);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("an input encoding needs at least one column");
        }
    }

    /** {@code width} numeric columns named {@code prefix-0…}, each scaled by {@code scale} (pixels, binary features). */
    public static InputEncoding uniform(String prefix, int width, double scale) {
        return new InputEncoding(List.of(new Column(prefix, width, List.of(), 0, scale, false)));
    }

    /** Numeric columns with these names, each scaled by {@code scale} (a CSV file's feature columns). */
    public static InputEncoding scaled(List<String> names, double scale) {
        return new InputEncoding(names.stream().map(n -> Column.numeric(n, 0, scale)).toList());
    }

    /**
     * This encoding followed by {@code fit}'s z-scores, as one encoding: each numeric feature becomes its own column with
     * {@code ((x − offset)·scale − mean) / σ = (x − (offset + mean/scale)) · (scale/σ)}, so a raw record encodes as the
     * standardised training records were. Only numeric columns can be standardised; a categorical one is refused.
     */
    public InputEncoding standardised(Standardisation fit) {
        if (fit.means().length != featureWidth()) {
            throw new IllegalArgumentException("the standardisation has " + fit.means().length + " features; the encoding makes "
                    + featureWidth());
        }
        List<Column> out = new ArrayList<>();
        int feature = 0;
        for (Column c : columns) {
            if (c.isCategorical()) {
                throw new IllegalArgumentException("column " + c.name() + " is categorical: only numeric columns can be standardised");
            }
            List<String> names = c.rawNames();
            for (String name : names) {
                double offset = c.scale() == 0 ? c.offset() : c.offset() + fit.means()[feature] / c.scale();
                out.add(new Column(name, 1, List.of(), offset, c.scale() * fit.scale(feature), c.missingIsOffset()));
                feature++;
            }
        }
        return new InputEncoding(out);
    }

    /** The raw columns' names, in input order. */
    @JsonIgnore
    public List<String> rawColumns() {
        List<String> names = new ArrayList<>();
        columns.forEach(c -> names.addAll(c.rawNames()));
        return names;
    }

    /** How many features an encoded record has. */
    @JsonIgnore
    public int featureWidth() {
        return columns.stream().mapToInt(Column::width).sum();
    }

    /**
     * Encodes one raw record given as its values in column order ({@link #rawColumns()}); {@code where} names it in
     * errors (e.g. "rows.csv, line 3"), which are {@link DataFormatException}s saying what is wrong.
     */
    public float[] encode(List<String> values, String where) {
        List<String> names = rawColumns();
        if (values.size() != names.size()) {
            throw new DataFormatException(where, "", "expected " + names.size() + " raw values (" + abbreviated(names) + "), found "
                    + values.size() + "; pass encoded feature vectors with --encoded (or 'features' in the REST API) instead");
        }
        float[] out = new float[featureWidth()];
        int in = 0;
        int at = 0;
        for (Column c : columns) {
            if (c.isCategorical()) {
                String value = values.get(in++).trim();
                int k = c.categories().indexOf(value);
                if (k < 0 && !value.isEmpty() && !value.equals(MISSING)) {
                    throw new DataFormatException(where, "", "'" + value + "' is not a category of " + c.name() + "; its categories: "
                            + String.join(", ", c.categories()) + " (or " + MISSING + " for missing)");
                }
                if (k >= 0) {
                    out[at + k] = 1f;
                }
                at += c.categories().size();
            } else {
                for (int i = 0; i < c.count(); i++) {
                    String name = c.count() == 1 ? c.name() : c.name() + "-" + i;
                    String value = values.get(in++).trim();
                    boolean missing = value.isEmpty() || value.equals(MISSING);
                    if (missing && !c.missingIsOffset()) {
                        throw new DataFormatException(where, "", "column " + name + " has no value");
                    }
                    out[at++] = missing ? 0f : (float) ((number(value, name, where) - c.offset()) * c.scale());
                }
            }
        }
        return out;
    }

    /** Encodes one raw record given by column name; every column must be present and no other. */
    public float[] encode(Map<String, String> byName, String where) {
        List<String> names = rawColumns();
        List<String> unknown = byName.keySet().stream().filter(k -> !names.contains(k)).toList();
        if (!unknown.isEmpty()) {
            throw new DataFormatException(where, "", "unknown column(s) " + unknown + "; the columns are " + abbreviated(names));
        }
        List<String> missing = names.stream().filter(n -> !byName.containsKey(n)).toList();
        if (!missing.isEmpty()) {
            throw new DataFormatException(where, "", "missing column(s) " + abbreviated(missing) + " (write " + MISSING
                    + " for a missing categorical value)");
        }
        List<String> values = new ArrayList<>(names.size());
        names.forEach(n -> values.add(byName.get(n)));
        return encode(values, where);
    }

    /** A record as a map from column name to value, as {@link #encode(Map, String)} takes it, from a header and a row. */
    public static Map<String, String> named(List<String> header, List<String> row, String where) {
        if (header.size() != row.size()) {
            throw new DataFormatException(where, "", "the header has " + header.size() + " columns, the row " + row.size());
        }
        Map<String, String> byName = new LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) {
            if (byName.put(header.get(i), row.get(i)) != null) {
                throw new DataFormatException(where, "", "column '" + header.get(i) + "' appears twice in the header");
            }
        }
        return byName;
    }

    /** A raw number as the CSV loader reads one: plain decimal notation only, finite. */
    private static double number(String text, String column, String where) {
        String t = text.trim();
        double v;
        try {
            v = CsvLoader.isDecimal(t) ? Double.parseDouble(t) : Double.NaN;
        } catch (NumberFormatException e) { // decimal characters, not a decimal number ("1e", "--1")
            v = Double.NaN;
        }
        if (!Double.isFinite(v)) {
            throw new DataFormatException(where, "", "column " + column + ": '" + text + "' is not a number");
        }
        return v;
    }

    /** Column names for a message: all of up to eight, else the first three, the last and the count. */
    public static String abbreviated(List<String> names) {
        return names.size() <= 8 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 3)) + ", …, " + names.get(names.size() - 1) + String.format(Locale.ROOT, " (%d)", names.size());
    }
}
