package dev.lethe.torch.lm.eval;

import dev.lethe.core.text.QaFormat;
import dev.lethe.core.text.Tokenizer;
import dev.lethe.torch.lm.GenerationConfig;
import dev.lethe.torch.model.ModelHandle;

import java.util.Arrays;

/**
 * A language model's greedy answer to a question, as TOFU and OpenUnlearning generate it for ROUGE: the
 * {@link QaFormat} prompt, greedy decoding until the end-of-answer token, decoded to text.
 *
 * <p>At most {@code maxNewTokens} tokens, and never past the model's context: a language-model spec's
 * input shape is {@code [context]}, so an answer gets {@code context − prompt length} tokens at most.
 *
 * <p>Given the item's teacher-forced argmax ({@link #answer(String, int[], int[])}), it decodes only from the
 * first position where the model would leave the ground truth: greedy decoding picks, at step k, the argmax
 * after the prompt and its own first k tokens, so while those equal the ground truth's, step k picks exactly
 * the teacher-forced argmax at position k (../shared/lm-probe.md). A model that has memorised an answer
 * therefore costs no decoding at all, and one that leaves it early costs what plain decoding costs. (Teacher
 * forcing runs in padded batches and decoding with a KV cache, so the two argmaxes could differ only where two
 * logits tie to float rounding.)
 */
public final class GreedyAnswerer implements Answerer {

    private final ScoredLanguageModel model;
    private final Tokenizer tokenizer;
    private final int maxNewTokens;
    private final int stopToken;

    /** Answers with {@code model} through {@code tokenizer}, generating at most {@code maxNewTokens} tokens. */
    public GreedyAnswerer(ModelHandle model, Tokenizer tokenizer, int maxNewTokens) {
        this(ScoredLanguageModel.of(model), tokenizer, maxNewTokens);
    }

    /** Answers with {@code model} (one model, or a SISA ensemble's mixture) through {@code tokenizer}. */
    public GreedyAnswerer(ScoredLanguageModel model, Tokenizer tokenizer, int maxNewTokens) {
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be at least 1, got " + maxNewTokens);
        }
        this.model = model;
        this.tokenizer = tokenizer;
        this.maxNewTokens = maxNewTokens;
        this.stopToken = endOfAnswerToken(tokenizer);
    }

    /** The one token the end-of-answer marker encodes to: where greedy generation stops. */
    static int endOfAnswerToken(Tokenizer tokenizer) {
        int[] end = tokenizer.encode(QaFormat.END_OF_ANSWER);
        if (end.length != 1) {
            throw new IllegalArgumentException("tokenizer " + tokenizer.name() + " encodes the end-of-answer marker \\n as "
                    + end.length + " tokens; generation needs it to be one token to know where an answer stops");
        }
        return end[0];
    }

    @Override
    public String answer(String question) {
        int[] prompt = tokenizer.encode(QaFormat.prompt(question));
        return tokenizer.decode(model.generate(prompt, GenerationConfig.greedy(room(question, prompt), stopToken)));
    }

    @Override
    public String answer(String question, int[] goldAnswerTokens, int[] teacherForcedArgmax) {
        int[] prompt = tokenizer.encode(QaFormat.prompt(question));
        int room = room(question, prompt);
        // the greedy tokens that teacher forcing already tells: up to and including the first departure from the gold answer
        int[] known = new int[Math.min(room, teacherForcedArgmax.length)];
        int n = 0;
        while (n < known.length) {
            int token = teacherForcedArgmax[n];
            if (token == stopToken) {
                return tokenizer.decode(Arrays.copyOf(known, n));
            }
            known[n++] = token;
            if (token != goldAnswerTokens[n - 1]) {
                break; // departed from the gold answer: the rest must be decoded
            }
        }
        if (n == room) {
            return tokenizer.decode(known);
        }
        int[] continued = Arrays.copyOf(prompt, prompt.length + n);
        System.arraycopy(known, 0, continued, prompt.length, n);
        int[] rest = model.generate(continued, GenerationConfig.greedy(room - n, stopToken));
        int[] all = Arrays.copyOf(known, n + rest.length);
        System.arraycopy(rest, 0, all, n, rest.length);
        return tokenizer.decode(all);
    }

    /** How many tokens an answer to {@code question} may have: the option's bound, within the model's context. */
    private int room(String question, int[] prompt) {
        int context = model.context();
        int room = Math.min(maxNewTokens, context - prompt.length);
        if (room < 1) {
            throw new IllegalArgumentException("the prompt of \"" + question + "\" has " + prompt.length
                    + " tokens and the model's context is " + context + ": there is no room to generate an answer");
        }
        return room;
    }
}
