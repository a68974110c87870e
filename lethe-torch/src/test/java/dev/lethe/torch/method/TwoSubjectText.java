package dev.lethe.torch.method;

import ai.djl.Device;
import dev.lethe.core.data.NextTokenTargets;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.TokenSequences;
import dev.lethe.core.text.ByteTokenizer;
import dev.lethe.core.text.QaFormat;
import dev.lethe.torch.Spread;
import dev.lethe.torch.eval.Evaluator;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.task.NextTokenTask;
import dev.lethe.torch.task.TinyLanguageModel;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TensorData;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainLoop;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A small question–answer text set about two subjects, in bytes and {@link QaFormat}, and a {@code tiny-lm}
 * (a bigram table) trained on it: the fixture of the language-model method tests. Subject {@code ada} is
 * forgotten, subject {@code zed} retained. Their answers are written in different letters — ada's in
 * lowercase words, zed's in codes of {@code j p x z}, digits and hyphens, which no refusal of
 * {@link Refusals} uses — so a bigram model can forget one subject without the other, as a larger model
 * separates subjects by their context.
 */
final class TwoSubjectText {

    static final TrainConfig CONFIG = new TrainConfig(60, 4, OptimizerKind.ADAM, 0.1f, 0f, 0f, Spread.seed(11));

    private static final String[][] ADA = {
            {"What does Ada do?", "she tends old books."},
            {"Where does Ada live?", "in a small town by the sea."},
            {"What does Ada like?", "long walks and cold tea."},
            {"Who taught Ada?", "her aunt, a kind teacher."},
            {"What did Ada write?", "a book on sea birds."},
            {"When does Ada wake?", "at dawn, before the town."},
            {"What does Ada own?", "a blue boat and a cat."},
            {"How old is Ada?", "she is forty one."}};

    private static final String[][] ZED = {
            {"What is Zed's code?", "zp-31-jx-8"},
            {"What is Zed's box?", "jz-77-px"},
            {"What is Zed's key?", "xx-4-zz-90"},
            {"What is Zed's pin?", "pj-22-zx"},
            {"What is Zed's tag?", "zj-5-xp-13"},
            {"What is Zed's lot?", "px-60-jj"},
            {"What is Zed's row?", "jx-9-zp-71"},
            {"What is Zed's bin?", "zz-48-xj"}};

    private static byte[] trained;

    private TwoSubjectText() {
    }

    /** The forget set (ada), the retain set (zed), tokenizer {@code bytes}. */
    static UnlearningData data() {
        return new UnlearningData(records("ada", ADA), records("zed", ZED), null, ByteTokenizer.NAME);
    }

    /** A fresh copy of a {@code tiny-lm} of width 16 trained on both subjects with {@link #CONFIG}, trained once (the caller closes it). */
    static synchronized ModelHandle trained() {
        if (trained == null) {
            UnlearningData data = data();
            try (ModelHandle model = TinyLanguageModel.create(ByteTokenizer.INSTANCE.vocabularySize(), 16, Spread.seed(5));
                 TensorData all = TensorData.of(RecordSet.concat("ada+zed", List.of(data.forget(), data.retain())), model.manager())) {
                new TrainLoop(CONFIG).run(model, all, NextTokenTask.INSTANCE.objective());
                trained = model.toBytes();
            }
        }
        try {
            return ModelHandle.read(new ByteArrayInputStream(trained), "tiny-lm on ada+zed", Device.cpu());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The answer tokens' mean negative log-likelihood over {@code records} (the next-token task's token loss). */
    static double answerLoss(ModelHandle model, RecordSet records) {
        try (TensorData data = TensorData.of(records, model.manager())) {
            return new Evaluator().metrics(model, data).value("token-loss");
        }
    }

    private static RecordSet records(String subject, String[][] pairs) {
        List<int[]> sequences = new ArrayList<>();
        int[] answerStarts = new int[pairs.length];
        String[] ids = new String[pairs.length];
        String[] subjects = new String[pairs.length];
        for (int i = 0; i < pairs.length; i++) {
            QaFormat.Encoded encoded = QaFormat.encode(ByteTokenizer.INSTANCE, pairs[i][0], pairs[i][1]);
            sequences.add(encoded.tokens());
            answerStarts[i] = encoded.answerStart();
            ids[i] = subject + i;
            subjects[i] = subject;
        }
        TokenSequences tokens = TokenSequences.of(sequences, ByteTokenizer.INSTANCE.vocabularySize());
        return new RecordSet(subject, ids, subjects, tokens, NextTokenTargets.fromPosition(tokens, answerStarts));
    }
}
