package dev.lethe.core.data.load;

import dev.lethe.core.data.DataFormatException;
import dev.lethe.core.data.RecordSet;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.zip.ZipException;

/**
 * Loads a delimited text file (CSV, TSV) as a {@link RecordSet}: one record per data row, the label,
 * id and subject columns chosen by {@link CsvOptions}, every other column a numeric feature, feature
 * shape {@code [number of feature columns]}.
 *
 * <p>The file may be gzip-compressed (recognised by its content). Fields follow RFC 4180 within a line:
 * a field may be quoted, a quoted field may hold the delimiter, and {@code ""} inside quotes is one
 * quote; a line break inside quotes is not supported. Unquoted fields are trimmed. Blank lines are
 * skipped; line numbers in messages count every physical line of the file, from 1.
 *
 * <p>Any problem (a row with the wrong number of columns, a value that is not a number, a missing
 * label, an id used twice, a file without data) is a {@link DataFormatException} naming the file, the
 * line and, where it applies, the column; nothing is returned half-loaded.
 */
public final class CsvLoader {

    private CsvLoader() {
    }

    /** Loads a file; the set is named after the file, without its extensions. */
    public static RecordSet load(Path file, CsvOptions options) throws IOException {
        try (InputStream in = Inputs.open(file)) {
            return read(in, file.toString(), Inputs.baseName(file), options);
        }
    }

    /**
     * The names of the feature columns {@link #load} reads from {@code file} with {@code options}, in order: the header's
     * names, or {@code column-N} (N the 1-based column number) without a header. What a raw row of the file holds
     * once the label, id, subject and ignored columns are taken out.
     */
    public static List<String> featureColumns(Path file, CsvOptions options) throws IOException {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(Inputs.open(file), StandardCharsets.UTF_8))) {
            int lineNo = 0;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                lineNo++;
                if (lineNo == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                if (lineNo > options.skipLines() && !line.isBlank()) {
                    List<String> fields = splitFields(line, options.delimiter(), file.toString(), lineNo);
                    List<String> header = options.hasHeader() ? fields : null;
                    Layout layout = Layout.resolve(header, fields.size(), options, file.toString(), lineNo);
                    return IntStream.of(layout.features()).mapToObj(c -> header != null ? header.get(c) : "column-" + (c + 1)).toList();
                }
            }
        }
        throw new DataFormatException(file.toString(), "", "the file is empty");
    }

    /**
     * Reads CSV from a stream (gzip or plain), which it does not close.
     *
     * @param source what to call the input in error messages (a file, or an archive entry)
     * @param name the name of the resulting set
     */
    public static RecordSet read(InputStream in, String source, String name, CsvOptions options) throws IOException {
        Reading reading = new Reading(source, options);
        BufferedReader lines = new BufferedReader(new InputStreamReader(Inputs.decompressed(in), StandardCharsets.UTF_8));
        int lineNo = 0;
        try {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                lineNo++;
                if (lineNo == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                if (lineNo > options.skipLines() && !line.isBlank()) {
                    reading.accept(line, lineNo);
                }
            }
        } catch (ZipException | EOFException e) {
            throw new DataFormatException(source, "line " + (lineNo + 1),
                    "the gzip data is corrupt or truncated (" + e.getMessage() + ")", e);
        }
        return reading.finish(name);
    }

    /**
     * Splits one line into fields (RFC 4180 quoting within the line; unquoted fields trimmed).
     *
     * @throws DataFormatException for an unclosed quote or text after a closing quote
     */
    public static List<String> splitFields(String line, char delimiter, String source, int lineNo) {
        List<String> fields = new ArrayList<>();
        int n = line.length();
        int i = 0;
        while (true) {
            int start = i;
            while (i < n && line.charAt(i) == ' ' && delimiter != ' ') {
                i++;
            }
            if (i < n && line.charAt(i) == '"') {
                String where = "line " + lineNo + ", column " + (fields.size() + 1);
                StringBuilder value = new StringBuilder();
                i++;
                while (true) {
                    if (i >= n) {
                        throw new DataFormatException(source, where, "quoted field is not closed (line breaks inside quotes are not supported)");
                    }
                    char ch = line.charAt(i++);
                    if (ch != '"') {
                        value.append(ch);
                    } else if (i < n && line.charAt(i) == '"') {
                        value.append('"');
                        i++;
                    } else {
                        break;
                    }
                }
                while (i < n && line.charAt(i) == ' ' && delimiter != ' ') {
                    i++;
                }
                if (i < n && line.charAt(i) != delimiter) {
                    throw new DataFormatException(source, where, "unexpected text after the closing quote");
                }
                fields.add(value.toString());
            } else {
                int end = line.indexOf(delimiter, i);
                end = end < 0 ? n : end;
                fields.add(line.substring(start, end).trim());
                i = end;
            }
            if (i >= n) {
                return fields;
            }
            i++;
        }
    }

    /** Which column plays which role, fixed by the header or the first data row. */
    private record Layout(int columns, int label, int id, int subject, int[] features) {

        static Layout resolve(List<String> header, int columns, CsvOptions options, String source, int lineNo) {
            String where = "line " + lineNo;
            int label = options.labelColumn() == null ? columns - 1
                    : column(options.labelColumn(), "label", header, columns, source, where);
            int id = options.idColumn() == null ? -1 : column(options.idColumn(), "id", header, columns, source, where);
            int subject = options.subjectColumn() == null ? -1
                    : column(options.subjectColumn(), "subject", header, columns, source, where);
            if (label == id || (subject >= 0 && (subject == label || subject == id))) {
                throw new IllegalArgumentException("the label, id and subject columns must differ (label " + (label + 1)
                        + ", id " + (id + 1) + ", subject " + (subject + 1) + ")");
            }
            Set<Integer> notFeatures = new HashSet<>(List.of(label, id, subject));
            for (String ignored : options.ignoredColumns()) {
                notFeatures.add(column(ignored, "ignored", header, columns, source, where));
            }
            int[] features = IntStream.range(0, columns).filter(c -> !notFeatures.contains(c)).toArray();
            if (features.length == 0) {
                throw new DataFormatException(source, where, "no feature columns are left among the " + columns
                        + " columns once the label, id, subject and ignored columns are taken out");
            }
            return new Layout(columns, label, id, subject, features);
        }

        private static int column(String ref, String role, List<String> header, int columns, String source, String where) {
            if (header != null && header.contains(ref)) {
                return header.indexOf(ref);
            }
            if (ref.matches("\\d{1,9}")) {
                int number = Integer.parseInt(ref);
                if (number >= 1 && number <= columns) {
                    return number - 1;
                }
                throw new DataFormatException(source, where, "the " + role + " column " + number
                        + " is out of range: the file has columns 1.." + columns);
            }
            throw new DataFormatException(source, where, header == null
                    ? "the " + role + " column '" + ref + "' is not a column number, and the file has no header"
                    : "the " + role + " column '" + ref + "' is not in the header " + header);
        }
    }

    /** The state of one read: everything is kept until {@link #finish} builds the set at once. */
    private static final class Reading {
        private final String source;
        private final CsvOptions options;
        private final Map<String, Integer> givenClasses = new HashMap<>();
        private final FloatBuilder features = new FloatBuilder();
        private final List<String> ids = new ArrayList<>();
        private final List<String> subjects = new ArrayList<>();
        private final List<String> labelValues = new ArrayList<>();
        private final Map<String, Integer> idLines = new HashMap<>();
        private Layout layout;

        Reading(String source, CsvOptions options) {
            this.source = source;
            this.options = options;
            for (int k = 0; k < options.classNames().size(); k++) {
                givenClasses.putIfAbsent(options.classNames().get(k), k);
            }
        }

        void accept(String line, int lineNo) {
            List<String> fields = splitFields(line, options.delimiter(), source, lineNo);
            if (layout == null) {
                layout = Layout.resolve(options.hasHeader() ? fields : null, fields.size(), options, source, lineNo);
                if (options.hasHeader()) {
                    return;
                }
            }
            if (fields.size() != layout.columns()) {
                throw new DataFormatException(source, "line " + lineNo,
                        "expected " + layout.columns() + " columns, found " + fields.size());
            }
            for (int c : layout.features()) {
                features.add(number(fields.get(c), lineNo, c) * options.featureScale());
            }
            labelValues.add(label(fields.get(layout.label()), lineNo));
            ids.add(id(layout.id() < 0 ? "row-" + (ids.size() + 1) : fields.get(layout.id()), lineNo));
            String subject = layout.subject() < 0 ? "" : fields.get(layout.subject());
            subjects.add(subject.isEmpty() ? null : subject);
        }

        private float number(String text, int lineNo, int column) {
            float value;
            try {
                value = isDecimal(text) ? Float.parseFloat(text) : Float.NaN;
            } catch (NumberFormatException e) {
                value = Float.NaN;
            }
            if (Float.isNaN(value)) {
                throw new DataFormatException(source, at(lineNo, column), "'" + text + "' is not a number");
            }
            if (Float.isInfinite(value)) {
                throw new DataFormatException(source, at(lineNo, column), "'" + text + "' is out of the float range");
            }
            return value;
        }

        private String label(String value, int lineNo) {
            if (value.isEmpty()) {
                throw new DataFormatException(source, at(lineNo, layout.label()), "missing label");
            }
            if (!givenClasses.isEmpty() && givenClassIndex(value) < 0) {
                throw new DataFormatException(source, at(lineNo, layout.label()), "label '" + value
                        + "' is neither one of the classes " + options.classNames() + " nor an index into them");
            }
            return value;
        }

        private String id(String value, int lineNo) {
            if (value.isEmpty()) {
                throw new DataFormatException(source, at(lineNo, layout.id()), "empty record id");
            }
            Integer firstLine = idLines.putIfAbsent(value, lineNo);
            if (firstLine != null) {
                throw new DataFormatException(source, at(lineNo, layout.id()),
                        "record id '" + value + "' is already used on line " + firstLine);
            }
            return value;
        }

        private int givenClassIndex(String value) {
            Integer byName = givenClasses.get(value);
            if (byName != null) {
                return byName;
            }
            return value.matches("\\d{1,9}") && Integer.parseInt(value) < givenClasses.size() ? Integer.parseInt(value) : -1;
        }

        RecordSet finish(String name) {
            if (ids.isEmpty()) {
                throw new DataFormatException(source, "", layout == null ? "the file is empty" : "the file has no data rows");
            }
            List<String> classes = givenClasses.isEmpty() ? distinctSorted(labelValues) : options.classNames();
            Map<String, Integer> inferred = new HashMap<>();
            for (int k = 0; k < classes.size(); k++) {
                inferred.put(classes.get(k), k);
            }
            int[] labels = labelValues.stream()
                    .mapToInt(v -> givenClasses.isEmpty() ? inferred.get(v) : givenClassIndex(v))
                    .toArray();
            String[] subjectColumn = layout.subject() < 0 ? null : subjects.toArray(String[]::new);
            return new RecordSet(name, ids.toArray(String[]::new), subjectColumn, features.toArray(), labels,
                    new int[]{layout.features().length}, classes);
        }

        private static String at(int lineNo, int column) {
            return "line " + lineNo + ", column " + (column + 1);
        }
    }

    /** Only plain decimal notation: digits, sign, point, exponent (no NaN, Infinity, hex or 'f' suffix). */
    public static boolean isDecimal(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (!(ch >= '0' && ch <= '9') && ch != '.' && ch != '-' && ch != '+' && ch != 'e' && ch != 'E') {
                return false;
            }
        }
        return true;
    }

    /** The distinct values, in numeric order when all are integers, else in string order. */
    static List<String> distinctSorted(List<String> values) {
        boolean allIntegers = values.stream().allMatch(v -> v.matches("[-+]?\\d{1,18}"));
        Comparator<String> order = allIntegers
                ? Comparator.<String>comparingLong(Long::parseLong).thenComparing(Comparator.naturalOrder())
                : Comparator.naturalOrder();
        TreeSet<String> distinct = new TreeSet<>(order);
        distinct.addAll(values);
        return List.copyOf(distinct);
    }
}
