package dev.lethe.torch.lm.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything a TOFU run's report says, as written to {@code report.json}: the resolved configuration (with the
 * data fingerprint) and its hash, the versions that produced it, every row in table order (reference rows
 * first) and the {@link TofuJudgement} (does the evaluation discriminate, the noise floor, the best method).
 * Contains no timestamp, so the same rows give the same report.
 *
 * @param configHash SHA-256 of the configuration and the data fingerprint
 * @param config the resolved configuration, as in {@code config.json}
 * @param versions Lethe, Java, DJL, PyTorch and the OS
 * @param rows every row, reference rows first
 * @param judgement what the table allows one to conclude
 */
public record TofuReport(String configHash, Map<String, Object> config, Map<String, String> versions, List<TofuRow> rows,
                         TofuJudgement judgement) {

    public TofuReport {
        rows = List.copyOf(rows);
    }

    /** The report of a finished run, with {@code versions} of the process that ran it. */
    public static TofuReport of(TofuBench.Outcome outcome, Map<String, String> versions) {
        return new TofuReport(outcome.folder().configHash(), outcome.config(), versions, outcome.rows(), TofuJudgement.of(outcome.rows()));
    }

    /** The figure names of the table's columns: {@link TofuRow#HEADLINE} first, then every other figure some row has, in first-seen order. */
    public List<String> figures() {
        List<String> names = new ArrayList<>(TofuRow.HEADLINE.stream().filter(this::has).toList());
        for (TofuRow r : rows) {
            for (String f : r.figures().keySet()) {
                if (!names.contains(f)) {
                    names.add(f);
                }
            }
        }
        return names;
    }

    /** The headline figures some row has: the columns of the Markdown and HTML tables. */
    public List<String> headline() {
        return TofuRow.HEADLINE.stream().filter(this::has).toList();
    }

    private boolean has(String figure) {
        return rows.stream().anyMatch(r -> r.figures().containsKey(figure));
    }
}
