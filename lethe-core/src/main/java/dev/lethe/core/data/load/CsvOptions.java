package dev.lethe.core.data.load;

import java.util.List;
import java.util.Objects;

/**
 * How {@link CsvLoader} reads a delimited text file.
 *
 * <p>A column is named by a <em>column reference</em>: a header name (when the file has a header) or a
 * column number counted from 1, as in error messages. When a header name is also a number, the header
 * name wins.
 *
 * @param delimiter the field separator, {@code ','} by default
 * @param hasHeader whether the first line after {@code skipLines} holds the column names
 * @param skipLines lines to skip at the top before the header or the data (a comment, or the count line
 *                  of scikit-learn's bundled CSVs)
 * @param labelColumn the column holding the class; {@code null} for the last column
 * @param idColumn the column holding the record id; {@code null} for ids {@code row-N}, N the 1-based
 *                 data row number
 * @param subjectColumn the column holding the subject (person) id; {@code null} for none
 * @param ignoredColumns columns that are neither features nor roles (free text, dates); may be empty
 * @param featureScale every feature value is multiplied by this (e.g. {@code 1/16f} for 4-bit pixels)
 * @param classNames the classes in label order; empty to take the distinct label values (sorted
 *                   numerically when they are all integers, else as strings). When given, a label
 *                   value is either one of these names or an integer index into them.
 */
public record CsvOptions(char delimiter, boolean hasHeader, int skipLines, String labelColumn, String idColumn,
                         String subjectColumn, List<String> ignoredColumns, float featureScale,
                         List<String> classNames) {

    public CsvOptions {
        if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
            throw new IllegalArgumentException("delimiter cannot be a quote or a line break");
        }
        if (skipLines < 0) {
            throw new IllegalArgumentException("skipLines must be >= 0, got " + skipLines);
        }
        if (!Float.isFinite(featureScale) || featureScale == 0f) {
            throw new IllegalArgumentException("featureScale must be finite and non-zero, got " + featureScale);
        }
        ignoredColumns = List.copyOf(Objects.requireNonNull(ignoredColumns, "ignoredColumns"));
        classNames = List.copyOf(Objects.requireNonNull(classNames, "classNames"));
    }

    /** Comma-separated, no header, label in the last column, ids by row, no subjects, no scaling. */
    public static CsvOptions defaults() {
        return new CsvOptions(',', false, 0, null, null, null, List.of(), 1f, List.of());
    }

    public CsvOptions withDelimiter(char value) {
        return new CsvOptions(value, hasHeader, skipLines, labelColumn, idColumn, subjectColumn, ignoredColumns, featureScale, classNames);
    }

    public CsvOptions withHeader(boolean value) {
        return new CsvOptions(delimiter, value, skipLines, labelColumn, idColumn, subjectColumn, ignoredColumns, featureScale, classNames);
    }

    public CsvOptions withSkipLines(int value) {
        return new CsvOptions(delimiter, hasHeader, value, labelColumn, idColumn, subjectColumn, ignoredColumns, featureScale, classNames);
    }

    public CsvOptions withLabelColumn(String value) {
        return new CsvOptions(delimiter, hasHeader, skipLines, value, idColumn, subjectColumn, ignoredColumns, featureScale, classNames);
    }

    public CsvOptions withIdColumn(String value) {
        return new CsvOptions(delimiter, hasHeader, skipLines, labelColumn, value, subjectColumn, ignoredColumns, featureScale, classNames);
    }

    public CsvOptions withSubjectColumn(String value) {
        return new CsvOptions(delimiter, hasHeader, skipLines, labelColumn, idColumn, value, ignoredColumns, featureScale, classNames);
    }

    public CsvOptions withIgnoredColumns(List<String> value) {
        return new CsvOptions(delimiter, hasHeader, skipLines, labelColumn, idColumn, subjectColumn, value, featureScale, classNames);
    }

    public CsvOptions withFeatureScale(float value) {
        return new CsvOptions(delimiter, hasHeader, skipLines, labelColumn, idColumn, subjectColumn, ignoredColumns, value, classNames);
    }

    public CsvOptions withClassNames(List<String> value) {
        return new CsvOptions(delimiter, hasHeader, skipLines, labelColumn, idColumn, subjectColumn, ignoredColumns, featureScale, value);
    }
}
