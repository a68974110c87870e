package dev.lethe.cli;

import dev.lethe.core.ledger.ForgetKind;
import picocli.CommandLine.Option;

import java.util.List;

/** A selection of records, as {@code forget}, {@code unlearn} (what to forget) and {@code attack} (the members) take it: record ids, subject ids, or one class. */
final class ForgetSelector {

    @Option(names = "--record", paramLabel = "ID", split = ",", description = "Record ids (repeat or comma-separate).")
    List<String> records;

    @Option(names = "--subject", paramLabel = "ID", split = ",", description = "Subject (person) ids: every record of theirs (repeat or comma-separate).")
    List<String> subjects;

    @Option(names = "--label", paramLabel = "CLASS", description = "Every training record of this class (name or index).")
    String label;

    ForgetKind kind() {
        return records != null ? ForgetKind.RECORDS : subjects != null ? ForgetKind.SUBJECTS : ForgetKind.LABEL;
    }

    List<String> values() {
        return records != null ? records : subjects != null ? subjects : List.of(label);
    }
}
