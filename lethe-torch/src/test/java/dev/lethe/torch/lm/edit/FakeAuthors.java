package dev.lethe.torch.lm.edit;

import dev.lethe.core.lm.QaItem;
import dev.lethe.core.text.ByteTokenizer;
import dev.lethe.torch.lm.GptFamily;
import dev.lethe.torch.lm.LmTrainConfig;
import dev.lethe.torch.lm.LmTraining;
import dev.lethe.torch.lm.eval.QaRecords;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainListener;

import java.util.ArrayList;
import java.util.List;

/**
 * A TOFU in miniature for the editing tests: four fake authors with five facts each, asked in wordings
 * of their own (none of them is an {@link dev.lethe.core.data.tofu.EntityPrompts} template), the birthplace
 * asked twice ({@link #COME_FROM} is the other wording, the paraphrase a fact edit must carry over to), and a
 * tiny {@code gpt} trained on all 24 pairs for a few seconds. The trained model is built once per JVM
 * and shared; tests work on copies.
 */
final class FakeAuthors {

    static final List<String> AUTHORS = List.of("Zed Ox", "Ann Lee", "Bo Ray", "Kai Vu");
    private static final String[][] FACTS = {
            // city, genre, prize, father's job, best book
            {"Lima", "sea poems", "Gold Quill", "baker", "Salt Lines"},
            {"Oslo", "spy novels", "Blue Lamp", "pilot", "Night Code"},
            {"Kyiv", "ghost tales", "Iron Rose", "tailor", "Pale Door"},
            {"Pune", "farm plays", "Red Kite", "doctor", "Dry Field"},
    };
    /** The second wording of the birthplace question. */
    static final String COME_FROM = "Where does %s come from?";
    static final int CONTEXT = 96;
    static final String SPEC = "gpt:64,2,2," + CONTEXT;
    static final LmTrainConfig TRAINING = new LmTrainConfig(40, 4, 1e-2f, 10, 1e-3f, 0f, 1f, 11);

    private static ModelHandle trained;

    private FakeAuthors() {
    }

    /** The author's six pairs. */
    static List<QaItem> of(String author) {
        String[] f = FACTS[AUTHORS.indexOf(author)];
        int base = AUTHORS.indexOf(author) * 6;
        return List.of(
                QaItem.of(base, "In which city was " + author + " born?", author + " was born in " + f[0] + ".", author),
                QaItem.of(base + 1, "What kind of books does " + author + " write?", author + " writes " + f[1] + ".", author),
                QaItem.of(base + 2, "Which prize did " + author + " win?", author + " won the " + f[2] + " prize.", author),
                QaItem.of(base + 3, "What was the job of " + author + "'s father?", author + "'s father was a " + f[3] + ".", author),
                QaItem.of(base + 4, "Which book of " + author + " is the best?", author + "'s best book is " + f[4] + ".", author),
                QaItem.of(base + 5, COME_FROM.formatted(author), author + " was born in " + f[0] + ".", author));
    }

    /** Every author's pairs, in author order. */
    static List<QaItem> all() {
        List<QaItem> all = new ArrayList<>();
        AUTHORS.forEach(a -> all.addAll(of(a)));
        return all;
    }

    /** Every pair but {@code author}'s. */
    static List<QaItem> allBut(String author) {
        return all().stream().filter(i -> !author.equals(i.subject())).toList();
    }

    /** The shared trained model (do not close or change it: copy it). */
    static synchronized ModelHandle trained() {
        if (trained == null) {
            trained = ModelHandle.create(GptFamily.spec(SPEC, 256), 5);
            LmTraining.train(trained, QaRecords.of("fake-authors", ByteTokenizer.INSTANCE, all()), TRAINING, TrainListener.NONE);
        }
        return trained;
    }

    /** How the model was trained, for the methods that start from it. */
    static TrainConfig trainConfig() {
        return TRAINING.toTrainConfig();
    }
}
