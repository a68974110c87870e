package dev.lethe.torch.eval;

import dev.lethe.core.data.RecordSet;
import dev.lethe.core.lm.QaItem;
import dev.lethe.core.text.ByteTokenizer;
import dev.lethe.torch.lm.eval.QaRecords;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The evaluator's batches: a classifier's as asked, token data's at most 16 sequences (attention grows with length²). */
class EvaluatorBatchTest {

    @Test
    void tokenDataIsEvaluatedAtMostSixteenSequencesAtATimeAndFeaturesAsAsked() {
        List<QaItem> pairs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            pairs.add(QaItem.of(i, "question " + i + "?", "answer " + i + ".", "s"));
        }
        RecordSet tokens = QaRecords.of("qa", ByteTokenizer.INSTANCE, pairs);
        assertThat(new Evaluator().batchSize(tokens)).isEqualTo(Evaluator.MAX_SEQUENCES_PER_BATCH);
        assertThat(new Evaluator(4).batchSize(tokens)).isEqualTo(4);
        RecordSet features = dev.lethe.torch.Digits.split().train();
        assertThat(new Evaluator().batchSize(features)).isEqualTo(1024);
    }
}
