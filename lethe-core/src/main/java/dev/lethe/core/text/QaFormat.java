package dev.lethe.core.text;

import java.util.Arrays;

/**
 * How a question–answer pair becomes one training sequence, the same way everywhere (training, the
 * loss mask, evaluation, generation, unlearning): {@code "Question: " + q + "\nAnswer: "} is the prompt
 * and {@code a + "\n"} the answer, so the final newline marks the end of an answer and greedy
 * generation stops there. The loss counts the answer's tokens only, the terminating newline included
 * (TOFU's and OpenUnlearning's convention: the end-of-answer token is labelled).
 */
public final class QaFormat {

    /** The token that ends an answer, as text. */
    public static final String END_OF_ANSWER = "\n";

    private QaFormat() {
    }

    /** The prompt the model is given for {@code question}. */
    public static String prompt(String question) {
        return "Question: " + question + "\nAnswer: ";
    }

    /** The answer text the model is trained to produce after the prompt: {@code answer} plus the end marker. */
    public static String answer(String answer) {
        return answer + END_OF_ANSWER;
    }

    /** One encoded pair: its tokens, and where the answer starts (the first position the loss counts). */
    public record Encoded(int[] tokens, int answerStart) {

        /** The prompt's tokens. */
        public int[] promptTokens() {
            return Arrays.copyOf(tokens, answerStart);
        }

        /** The answer's tokens, the end marker included. */
        public int[] answerTokens() {
            return Arrays.copyOfRange(tokens, answerStart, tokens.length);
        }
    }

    /** Encodes {@code question} and {@code answer} with {@code tokenizer}. */
    public static Encoded encode(Tokenizer tokenizer, String question, String answer) {
        int[] prompt = tokenizer.encode(prompt(question));
        int[] reply = tokenizer.encode(answer(answer));
        int[] all = Arrays.copyOf(prompt, prompt.length + reply.length);
        System.arraycopy(reply, 0, all, prompt.length, reply.length);
        return new Encoded(all, prompt.length);
    }
}
