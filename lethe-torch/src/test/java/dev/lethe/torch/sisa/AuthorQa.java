package dev.lethe.torch.sisa;

import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.NextTokenTargets;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.TokenSequences;
import dev.lethe.core.text.ByteTokenizer;
import dev.lethe.core.text.QaFormat;
import dev.lethe.torch.model.ModelSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * Small question–answer records about made-up authors, byte tokens ({@link ByteTokenizer}), each record's subject its
 * author and its loss on the answer only, as a TOFU training set is built: the language-model data of the SISA tests.
 */
public final class AuthorQa {

    /** The authors, one subject each. */
    public static final List<String> AUTHORS = List.of("Ada Quill", "Bo Lindqvist", "Cyra Okafor", "Dov Hale", "Esme Varga",
            "Fen Moreau", "Gil Arora", "Hana Ishida");

    private static final String[][] FACTS = {
            {"Where was %s born?", "%s was born in %s."},
            {"What genre does %s write?", "%s writes %s novels."},
            {"Which award did %s win?", "%s won the %s prize."}};
    private static final String[] PLACES = {"Oslo", "Lagos", "Quito", "Hanoi", "Perth", "Turin", "Cusco", "Sendai"};
    private static final String[] GENRES = {"crime", "fantasy", "war", "comic", "gothic", "travel", "spy", "sea"};
    private static final String[] AWARDS = {"Lumen", "Harbor", "Cedar", "Falcon", "Meridian", "Quartz", "Ember", "Delta"};

    /** {@code tiny-lm} over the byte vocabulary: the language model the SISA tests train. */
    public static final ModelSpec TINY_LM = ModelSpec.parse("tiny-lm:8", new int[]{4}, ByteTokenizer.INSTANCE.vocabularySize());

    private AuthorQa() {
    }

    /** Three facts per author of {@link #AUTHORS}, ids {@code <prefix>-NN}, in author order. */
    public static RecordSet records(String name, String prefix) {
        List<int[]> sequences = new ArrayList<>();
        List<Integer> answerStarts = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<String> subjects = new ArrayList<>();
        for (int a = 0; a < AUTHORS.size(); a++) {
            String author = AUTHORS.get(a);
            String[] values = {PLACES[a], GENRES[a], AWARDS[a]};
            for (int f = 0; f < FACTS.length; f++) {
                QaFormat.Encoded e = QaFormat.encode(ByteTokenizer.INSTANCE, FACTS[f][0].formatted(author),
                        FACTS[f][1].formatted(author, values[f]));
                sequences.add(e.tokens());
                answerStarts.add(e.answerStart());
                ids.add("%s-%02d".formatted(prefix, ids.size()));
                subjects.add(author);
            }
        }
        TokenSequences tokens = TokenSequences.of(sequences, ByteTokenizer.INSTANCE.vocabularySize());
        return new RecordSet(name, ids.toArray(String[]::new), subjects.toArray(String[]::new), tokens,
                NextTokenTargets.fromPosition(tokens, answerStarts.stream().mapToInt(Integer::intValue).toArray()));
    }

    /** The records as loaded data: all of them to train on, the first fact of every author again (other ids) as held-out records. */
    public static DatasetRef.Loaded loaded() {
        RecordSet train = records("author-qa", "qa");
        RecordSet again = records("author-qa-test", "held");
        RecordSet test = again.filter(again.name(), i -> i % FACTS.length == 0);
        return new DatasetRef.Loaded(new DatasetRef("author-qa", null, null, null, null, null, 0, 0.2, 0, 0, 1), train, test,
                train.fingerprint() + test.fingerprint());
    }
}
