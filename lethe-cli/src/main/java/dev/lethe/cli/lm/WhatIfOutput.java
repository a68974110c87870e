package dev.lethe.cli.lm;

import dev.lethe.cli.Output;
import dev.lethe.torch.model.ModelHandle;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Where a what-if command ({@code lm forget-entity}, {@code lm edit-fact}) leaves its result: the report and the changed
 * weights in the {@code --out} folder, never in the store, which stays as it was.
 */
final class WhatIfOutput {

    private WhatIfOutput() {
    }

    /** Writes {@code report} as JSON and {@code model}'s weights into {@code outDir}; nothing when it is null. */
    static void write(Path outDir, ModelHandle model, String modelFile, String reportFile, Map<String, Object> report) throws IOException {
        if (outDir == null) {
            return;
        }
        Files.createDirectories(outDir);
        model.save(outDir.resolve(modelFile));
        Output.jsonFile(outDir.resolve(reportFile), report);
    }

    /** The line that says what {@link #write} wrote; nothing when {@code outDir} is null. */
    static void printWritten(PrintWriter out, Path outDir, String modelFile, String reportFile) {
        if (outDir != null) {
            out.printf(Locale.ROOT, "  written   %s, %s in %s%n", reportFile, modelFile, outDir);
        }
    }
}
