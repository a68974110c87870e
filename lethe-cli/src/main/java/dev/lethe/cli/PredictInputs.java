package dev.lethe.cli;

import dev.lethe.core.data.DataFormatException;
import dev.lethe.core.data.encoding.InputEncoding;
import dev.lethe.core.data.load.CsvLoader;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The records {@code lethe predict} answers, read from {@code --features} or a CSV file: by default in the data set's
 * own form (a raw row, by column name with a header or in column order without), encoded with the store's
 * {@link InputEncoding} exactly as training encoded them; with {@code --encoded}, feature vectors passed through as
 * they are. A header's id column names each record in the output.
 */
final class PredictInputs {

    /**
     * The rows to predict.
     *
     * @param ids each row's id (from the id column), or null when the input names none
     * @param vectors the encoded feature vectors
     */
    record Rows(List<String> ids, float[][] vectors) {
    }

    private PredictInputs() {
    }

    /** {@code --features}: each text one record, comma-separated. */
    static Rows fromValues(List<String> texts, InputEncoding encoding, boolean encoded) {
        float[][] vectors = new float[texts.size()][];
        for (int i = 0; i < texts.size(); i++) {
            List<String> fields = CsvLoader.splitFields(texts.get(i), ',', "--features", 1);
            vectors[i] = encode(fields, null, encoding, encoded, "--features", "record " + (i + 1));
        }
        return new Rows(null, vectors);
    }

    /** {@code --input FILE} ('-' = stdin): one record per line; with {@code header}, the first line names the columns. */
    static Rows fromFile(String file, boolean header, String idColumn, InputEncoding encoding, boolean encoded) throws IOException {
        if (idColumn != null && !header) {
            throw new IllegalArgumentException("--id-column names a column of the header: add --header");
        }
        String source = file.equals("-") ? "stdin" : file;
        List<String> ids = idColumn == null ? null : new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        try (BufferedReader r = file.equals("-")
                ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
            List<String> names = null;
            int idAt = -1;
            int lineNo = 0;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                List<String> fields = CsvLoader.splitFields(line, ',', source, lineNo);
                if (header && names == null) {
                    names = new ArrayList<>(fields);
                    if (idColumn != null) {
                        idAt = names.indexOf(idColumn);
                        if (idAt < 0) {
                            throw new DataFormatException(source, "line " + lineNo, "the id column '" + idColumn + "' is not in the header " + names);
                        }
                    }
                    continue;
                }
                if (idAt >= 0) {
                    if (fields.size() != names.size()) {
                        throw new DataFormatException(source, "line " + lineNo, "the header has " + names.size() + " columns, the row "
                                + fields.size());
                    }
                    ids.add(fields.get(idAt));
                }
                vectors.add(encode(without(fields, idAt), names == null ? null : without(names, idAt), encoding, encoded, source,
                        "line " + lineNo));
            }
        }
        if (vectors.isEmpty()) {
            throw new DataFormatException(source, "", "no records found");
        }
        return new Rows(ids, vectors.toArray(new float[0][]));
    }

    private static float[] encode(List<String> fields, List<String> names, InputEncoding encoding, boolean encoded, String source,
                                  String where) {
        if (encoded) {
            float[] v = new float[fields.size()];
            for (int j = 0; j < v.length; j++) {
                try {
                    v[j] = Float.parseFloat(fields.get(j).trim());
                } catch (NumberFormatException e) {
                    throw new DataFormatException(source, where + ", column " + (j + 1), "'" + fields.get(j).trim() + "' is not a number");
                }
            }
            return v;
        }
        if (encoding == null) {
            throw new IllegalArgumentException("this store keeps no input encoding (its model was trained before Lethe kept one, or on"
                    + " images or text), so raw records cannot be encoded: pass encoded feature vectors with --encoded");
        }
        String at = source + ", " + where;
        return names == null ? encoding.encode(fields, at) : encoding.encode(InputEncoding.named(names, fields, at), at);
    }

    private static List<String> without(List<String> values, int at) {
        if (at < 0) {
            return values;
        }
        List<String> rest = new ArrayList<>(values);
        rest.remove(at);
        return rest;
    }
}
