package dev.lethe.torch.lm.eval;

import dev.lethe.core.text.QaFormat;
import dev.lethe.core.text.Tokenizer;
import dev.lethe.torch.lm.GenerationConfig;
import dev.lethe.torch.lm.Generator;
import dev.lethe.torch.model.ModelHandle;

/**
 * A language model's greedy answer to a question, as TOFU and OpenUnlearning generate it for ROUGE: the
 * {@link QaFormat} prompt, greedy decoding until the end-of-answer token, decoded to text.
 *
 * <p>At most {@code maxNewTokens} tokens, and never past the model's context: a language-model spec's
 * input shape is {@code [context]}, so an answer gets {@code context − prompt length} tokens at most.
 */
public final class GreedyAnswerer implements Answerer {

    private final ModelHandle model;
    private final Tokenizer tokenizer;
    private final int maxNewTokens;
    private final int stopToken;

    /** Answers with {@code model} through {@code tokenizer}, generating at most {@code maxNewTokens} tokens. */
    public GreedyAnswerer(ModelHandle model, Tokenizer tokenizer, int maxNewTokens) {
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
        int context = model.spec().inputShape()[0];
        int room = Math.min(maxNewTokens, context - prompt.length);
        if (room < 1) {
            throw new IllegalArgumentException("the prompt of \"" + question + "\" has " + prompt.length
                    + " tokens and the model's context is " + context + ": there is no room to generate an answer");
        }
        return tokenizer.decode(Generator.generate(model, prompt, GenerationConfig.greedy(room, stopToken)));
    }
}
