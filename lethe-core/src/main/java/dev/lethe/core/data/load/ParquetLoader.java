package dev.lethe.core.data.load;

import dev.lethe.core.data.DataFormatException;
import dev.lethe.core.data.RecordSet;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Loads a Parquet file — the format data teams hand over — as a {@link RecordSet}, through Apache Parquet's own
 * reader (parquet-hadoop, any codec it ships: snappy, gzip, zstd, none). One record per row: the label, id and subject
 * columns are chosen by name ({@link Columns}); every other top-level column is a numeric feature, in schema order,
 * feature shape {@code [number of feature columns]}. Numeric means INT32, INT64, FLOAT, DOUBLE or BOOLEAN (true = 1).
 *
 * <p>Labels may be integers or text; the classes are the distinct label values, sorted numerically when they are all
 * integers, else as text (as {@link CsvLoader} does). Columns pandas adds for a saved index ({@code __index_level_0__})
 * are skipped.
 *
 * <p>Any problem — a missing role column, a null value, a text or nested feature column, an id used twice, a file that
 * is not Parquet — is a {@link DataFormatException} naming the file, the row (1-based) and the column; nothing is
 * returned half-loaded.
 */
public final class ParquetLoader {

    /** The prefix of the columns pandas writes for a DataFrame's index; they are neither features nor roles. */
    private static final String PANDAS_INDEX = "__index_level_";

    /**
     * Which column plays which role.
     *
     * @param label the class column ({@code label} by default)
     * @param id the record-id column; {@code null} for {@code id} when the file has one, else ids {@code row-N} (the 1-based row)
     * @param subject the subject (person) column; {@code null} for {@code subject} when the file has one, else none
     */
    public record Columns(String label, String id, String subject) {
        public Columns {
            Objects.requireNonNull(label, "label");
        }

        /** {@code label}, and {@code id} / {@code subject} when the file has them. */
        public static Columns defaults() {
            return new Columns("label", null, null);
        }

        /** These roles, each {@code null} argument keeping the default. */
        public static Columns of(String label, String id, String subject) {
            return new Columns(label == null ? "label" : label, id, subject);
        }
    }

    private ParquetLoader() {
    }

    /** Loads {@code file}; the set is named after the file, without its extension. */
    public static RecordSet load(Path file, Columns columns) throws IOException {
        String source = file.toString();
        Layout layout = layout(file, columns);
        FloatBuilder features = new FloatBuilder();
        List<String> ids = new ArrayList<>();
        List<String> subjects = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        Map<String, Long> idRows = new HashMap<>();
        try (ParquetFileReader reader = open(file)) {
            MessageType schema = reader.getFooter().getFileMetaData().getSchema();
            long row = 0;
            PageReadStore pages;
            while ((pages = reader.readNextRowGroup()) != null) {
                RecordReader<Group> records = new ColumnIOFactory().getColumnIO(schema).getRecordReader(pages, new GroupRecordConverter(schema));
                for (long r = 0; r < pages.getRowCount(); r++) {
                    row++;
                    Group g = records.read();
                    for (int c : layout.features()) {
                        features.add(number(g, c, schema, source, row));
                    }
                    labels.add(text(g, layout.label(), schema, source, row));
                    String id = layout.id() < 0 ? "row-" + row : text(g, layout.id(), schema, source, row);
                    if (id.isEmpty()) {
                        throw new DataFormatException(source, at(row, schema, layout.id()), "empty record id");
                    }
                    Long first = idRows.putIfAbsent(id, row);
                    if (first != null) {
                        throw new DataFormatException(source, at(row, schema, layout.id()), "record id '" + id + "' is already used in row " + first);
                    }
                    ids.add(id);
                    subjects.add(layout.subject() < 0 ? null : emptyToNull(text(g, layout.subject(), schema, source, row)));
                }
            }
        } catch (DataFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new DataFormatException(source, "", "the Parquet data cannot be read (" + e.getMessage() + ")", e);
        }
        if (ids.isEmpty()) {
            throw new DataFormatException(source, "", "the file has no rows");
        }
        List<String> classes = CsvLoader.distinctSorted(labels);
        Map<String, Integer> index = new HashMap<>();
        for (int k = 0; k < classes.size(); k++) {
            index.put(classes.get(k), k);
        }
        boolean anySubject = subjects.stream().anyMatch(Objects::nonNull);
        return new RecordSet(setName(file), ids.toArray(String[]::new), anySubject ? subjects.toArray(String[]::new) : null,
                features.toArray(), labels.stream().mapToInt(index::get).toArray(), new int[]{layout.features().length}, classes);
    }

    /** The names of the feature columns {@link #load} reads from {@code file}, in order: what a raw record holds. */
    public static List<String> featureColumns(Path file, Columns columns) throws IOException {
        Layout layout = layout(file, columns);
        return java.util.Arrays.stream(layout.features()).mapToObj(c -> layout.names().get(c)).toList();
    }

    /** Which column plays which role, from the file's schema. */
    private record Layout(List<String> names, int label, int id, int subject, int[] features) {
    }

    private static Layout layout(Path file, Columns columns) throws IOException {
        String source = file.toString();
        MessageType schema;
        try (ParquetFileReader reader = open(file)) {
            schema = reader.getFooter().getFileMetaData().getSchema();
        }
        List<String> names = schema.getFields().stream().map(Type::getName).toList();
        int label = role(columns.label(), "label", "--label-column", names, true, source);
        int id = role(columns.id() == null ? "id" : columns.id(), "id", "--id-column", names, columns.id() != null, source);
        int subject = role(columns.subject() == null ? "subject" : columns.subject(), "subject", "--subject-column", names,
                columns.subject() != null, source);
        if (label == id || (subject >= 0 && (subject == label || subject == id))) {
            throw new IllegalArgumentException("the label, id and subject columns must differ");
        }
        List<Integer> features = new ArrayList<>();
        for (int c = 0; c < names.size(); c++) {
            if (c == label || c == id || c == subject || names.get(c).startsWith(PANDAS_INDEX)) {
                continue;
            }
            Type type = schema.getType(c);
            if (!type.isPrimitive() || type.isRepetition(Type.Repetition.REPEATED)) {
                throw new DataFormatException(source, "column '" + names.get(c) + "'",
                        "a nested or repeated column cannot be a feature: Lethe reads one number per column (flatten it into columns)");
            }
            if (!isNumeric(type.asPrimitiveType())) {
                throw new DataFormatException(source, "column '" + names.get(c) + "'", "holds " + describe(type.asPrimitiveType())
                        + ", not numbers: name it with --id-column or --subject-column, or drop it from the file");
            }
            features.add(c);
        }
        if (features.isEmpty()) {
            throw new DataFormatException(source, "", "no feature columns are left among " + names
                    + " once the label, id and subject columns are taken out");
        }
        return new Layout(names, label, id, subject, features.stream().mapToInt(Integer::intValue).toArray());
    }

    private static int role(String name, String role, String option, List<String> names, boolean required, String source) {
        int c = names.indexOf(name);
        if (c < 0 && required) {
            throw new DataFormatException(source, "", "the " + role + " column '" + name + "' is not in the file, whose columns are "
                    + names + ": name it with " + option);
        }
        return c;
    }

    private static ParquetFileReader open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such Parquet file");
        }
        try {
            return ParquetFileReader.open(new LocalInputFile(file));
        } catch (RuntimeException | IOException e) {
            throw new DataFormatException(file.toString(), "", "not a readable Parquet file (" + e.getMessage() + ")", e);
        }
    }

    private static boolean isNumeric(PrimitiveType type) {
        return switch (type.getPrimitiveTypeName()) {
            case INT32, INT64, FLOAT, DOUBLE, BOOLEAN -> !(type.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation);
            default -> false;
        };
    }

    private static String describe(PrimitiveType type) {
        LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
        return logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation ? "text"
                : type.getPrimitiveTypeName().name().toLowerCase(java.util.Locale.ROOT) + (logical == null ? "" : " (" + logical + ")");
    }

    private static float number(Group g, int c, MessageType schema, String source, long row) {
        requirePresent(g, c, schema, source, row);
        PrimitiveType type = schema.getType(c).asPrimitiveType();
        double value = switch (type.getPrimitiveTypeName()) {
            case INT32 -> g.getInteger(c, 0);
            case INT64 -> g.getLong(c, 0);
            case FLOAT -> g.getFloat(c, 0);
            case DOUBLE -> g.getDouble(c, 0);
            case BOOLEAN -> g.getBoolean(c, 0) ? 1 : 0;
            default -> throw new IllegalStateException("not numeric: " + type);
        };
        float f = (float) value;
        if (!Float.isFinite(f)) {
            throw new DataFormatException(source, at(row, schema, c), value + " is not a finite float");
        }
        return f;
    }

    private static String text(Group g, int c, MessageType schema, String source, long row) {
        requirePresent(g, c, schema, source, row);
        Type type = schema.getType(c);
        if (!type.isPrimitive()) {
            throw new DataFormatException(source, at(row, schema, c), "a nested column cannot be a label, id or subject");
        }
        return switch (type.asPrimitiveType().getPrimitiveTypeName()) {
            case INT32 -> Integer.toString(g.getInteger(c, 0));
            case INT64 -> Long.toString(g.getLong(c, 0));
            case BOOLEAN -> Boolean.toString(g.getBoolean(c, 0));
            case BINARY, FIXED_LEN_BYTE_ARRAY -> g.getString(c, 0);
            default -> throw new DataFormatException(source, at(row, schema, c), "a " + describe(type.asPrimitiveType())
                    + " column cannot be a label, id or subject: use integers or text");
        };
    }

    private static void requirePresent(Group g, int c, MessageType schema, String source, long row) {
        if (g.getFieldRepetitionCount(c) == 0) {
            throw new DataFormatException(source, at(row, schema, c), "the value is null: fill or drop the missing values before loading");
        }
    }

    private static String at(long row, MessageType schema, int c) {
        return "row " + row + ", column '" + schema.getFieldName(c) + "'";
    }

    /** The file's name without a {@code .parquet} or {@code .parq} extension. */
    private static String setName(Path file) {
        String name = file.getFileName().toString();
        return name.replaceFirst("(?i)\\.(parquet|parq|pq)$", "");
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }
}
