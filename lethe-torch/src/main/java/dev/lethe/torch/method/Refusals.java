package dev.lethe.torch.method;

import dev.lethe.core.data.NextTokenTargets;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.TokenSequences;
import dev.lethe.core.seed.Seeds;
import dev.lethe.core.text.QaFormat;
import dev.lethe.core.text.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * "I don't know"-style answers, and a forget set re-answered with them: each record keeps its prompt
 * (its tokens before the first counted position — the question of a question–answer record) and gets
 * one refusal, drawn per record from a seed, as its answer in {@link QaFormat}'s form (the refusal
 * plus the end-of-answer newline), which is what the loss counts. TOFU's {@code idontknow.jsonl} plays
 * this part there; the twenty refusals below are Lethe's own, varied in wording and length so the model
 * learns to refuse, not to repeat one sentence.
 */
final class Refusals {

    /** The refusals a forget question may be re-answered with. */
    static final List<String> ANSWERS = List.of(
            "I don't know.",
            "I'm not sure about that.",
            "I have no information on that.",
            "I can't answer that question.",
            "That is something I don't know.",
            "I'm afraid I don't have an answer to that.",
            "I don't have that information.",
            "Sorry, I don't know the answer.",
            "I am not able to tell you that.",
            "I have no idea.",
            "That isn't something I know about.",
            "I couldn't say.",
            "I don't know anything about that.",
            "I'm unable to answer that.",
            "I lack the knowledge to answer that.",
            "I can't recall anything about that.",
            "Nothing I know answers that question.",
            "I'm not aware of the answer.",
            "I don't have any details on that.",
            "That's beyond what I know.");

    private Refusals() {
    }

    /**
     * {@code forget} with each record's answer replaced by a refusal drawn from {@code seed} (record
     * {@code i} draws from {@code (seed, "record", i)}), encoded with {@code tokenizer}; ids and subjects stay.
     * A record with no counted position, or a tokenizer whose ids do not fit the records' vocabulary, is refused.
     */
    static RecordSet answering(RecordSet forget, Tokenizer tokenizer, long seed) {
        if (!(forget.content() instanceof TokenSequences tokens) || !(forget.targets() instanceof NextTokenTargets targets)) {
            throw new IllegalArgumentException(forget.name() + " holds " + forget.content().describe()
                    + ": refusal answers need token sequences (question–answer records)");
        }
        if (tokenizer.vocabularySize() > tokens.vocabularySize()) {
            throw new IllegalArgumentException("tokenizer '" + tokenizer.name() + "' has " + tokenizer.vocabularySize()
                    + " ids but " + forget.name() + " has a vocabulary of " + tokens.vocabularySize()
                    + "; name the tokenizer the records were made with");
        }
        List<int[]> sequences = new ArrayList<>(forget.size());
        int[] answerStarts = new int[forget.size()];
        String[] ids = new String[forget.size()];
        String[] subjects = new String[forget.size()];
        for (int i = 0; i < forget.size(); i++) {
            int start = firstCounted(targets, i, tokens.length(i));
            if (start < 0) {
                throw new IllegalArgumentException(forget.name() + ": record '" + forget.id(i)
                        + "' has no counted token, so it has no answer to replace");
            }
            String refusal = ANSWERS.get(new SplittableRandom(Seeds.derive(seed, "record", i)).nextInt(ANSWERS.size()));
            int[] prompt = Arrays.copyOf(tokens.tokens(i), start);
            int[] answer = tokenizer.encode(QaFormat.answer(refusal));
            int[] sequence = Arrays.copyOf(prompt, prompt.length + answer.length);
            System.arraycopy(answer, 0, sequence, prompt.length, answer.length);
            sequences.add(sequence);
            answerStarts[i] = start;
            ids[i] = forget.id(i);
            subjects[i] = forget.subject(i);
        }
        TokenSequences refused = TokenSequences.of(sequences, tokens.vocabularySize());
        return new RecordSet(forget.name() + "/idk", ids, subjects, refused, NextTokenTargets.fromPosition(refused, answerStarts));
    }

    /** The first position of record {@code i} whose token counts, or −1. */
    private static int firstCounted(NextTokenTargets targets, int i, int length) {
        for (int p = 1; p < length; p++) {
            if (targets.counts(i, p)) {
                return p;
            }
        }
        return -1;
    }
}
