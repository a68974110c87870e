package dev.lethe.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.lethe.core.store.Store;
import dev.lethe.torch.eval.Evaluation;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Printing for people (short tables) and for tools (JSON on stdout). */
public final class Output {

    private Output() {
    }

    public static void json(PrintWriter out, Object value) {
        try {
            out.println(Store.json().writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
        out.flush();
    }

    /** Writes {@code value} as indented JSON into {@code file} (replacing it). */
    public static void jsonFile(Path file, Object value) throws IOException {
        Store.json().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), value);
    }

    static String pct(double v) {
        return Double.isNaN(v) ? "  n/a" : String.format(Locale.ROOT, "%.4f", v);
    }

    /** One line per class: name, records, accuracy. */
    static void perClass(PrintWriter out, Evaluation e) {
        double[] acc = e.perClassAccuracy();
        List<String> names = e.classNames();
        StringBuilder line = new StringBuilder("  per class ");
        for (int i = 0; i < acc.length; i++) {
            line.append(String.format(Locale.ROOT, "%s:%s ", names.get(i), Double.isNaN(acc[i]) ? "n/a" : String.format(Locale.ROOT, "%.2f", acc[i])));
            if (line.length() > 90 && i < acc.length - 1) {
                out.println(line.toString().stripTrailing());
                line = new StringBuilder("            ");
            }
        }
        out.println(line.toString().stripTrailing());
    }

    /** The confusion matrix with true classes as rows. */
    static void confusion(PrintWriter out, Evaluation e) {
        long[][] c = e.confusion().counts();
        if (c.length > 20) {
            out.println("  (confusion matrix of " + c.length + " classes: see --json)");
            return;
        }
        out.println("  confusion (rows = true, columns = predicted)");
        StringBuilder head = new StringBuilder("        ");
        for (int j = 0; j < c.length; j++) {
            head.append(String.format(Locale.ROOT, "%6s", abbreviate(e.classNames().get(j))));
        }
        out.println(head);
        for (int i = 0; i < c.length; i++) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  %6s", abbreviate(e.classNames().get(i))));
            for (long v : c[i]) {
                row.append(String.format(Locale.ROOT, "%6d", v));
            }
            out.println(row);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 5 ? s : s.substring(0, 5);
    }
}
