package dev.lethe.torch.lm.edit;

import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.tofu.EntityPrompts;
import dev.lethe.core.lm.QaItem;
import dev.lethe.core.text.Tokenizer;
import dev.lethe.torch.lm.eval.GreedyAnswerer;
import dev.lethe.torch.lm.eval.QaRecords;
import dev.lethe.torch.model.ModelHandle;

import java.util.ArrayList;
import java.util.List;

/**
 * A forget set built from an entity's name alone (issue 13, item 4a): the model is asked the
 * {@link EntityPrompts} questions about the entity and its own greedy answers (stopped at the
 * end-of-answer {@code \n}) become the pairs to unlearn. Nothing of the data the model was trained on
 * goes in, so the entity's real question–answer pairs stay unseen by the method and can measure what it
 * removed. This is the self-generated forget corpus of "Who's Harry Potter?" (Eldan and Russinovich
 * 2023) and of the entity-level unlearning of RWKU (Jin et al. 2024), where only the target's name is given.
 *
 * @param entity the name the questions ask about
 * @param items the template questions with the model's answers, subject {@code entity}; blank answers are left out
 */
public record EntityForgetSet(String entity, List<QaItem> items) {

    public EntityForgetSet {
        items = List.copyOf(items);
        if (items.isEmpty()) {
            throw new IllegalArgumentException("the model answered every question about '" + entity
                    + "' with nothing: there is no text of its own to unlearn (is it a language model trained on question-answer pairs?)");
        }
    }

    /**
     * Asks {@code model} (through {@code tokenizer}) every template question about {@code name} and keeps
     * its non-blank greedy answers of at most {@code maxNewTokens} tokens.
     */
    public static EntityForgetSet build(ModelHandle model, Tokenizer tokenizer, String name, int maxNewTokens) {
        List<String> questions = EntityPrompts.forEntity(name);
        GreedyAnswerer answerer = new GreedyAnswerer(model, tokenizer, maxNewTokens);
        List<QaItem> items = new ArrayList<>(questions.size());
        for (String question : questions) {
            String answer = answerer.answer(question);
            if (!answer.isBlank()) {
                items.add(QaItem.of(items.size(), question, answer, name.strip()));
            }
        }
        return new EntityForgetSet(name.strip(), items);
    }

    /** The pairs as next-token records with the loss on the answers, ready for an unlearning method. */
    public RecordSet records(Tokenizer tokenizer) {
        return QaRecords.of("entity-forget", tokenizer, items);
    }
}
