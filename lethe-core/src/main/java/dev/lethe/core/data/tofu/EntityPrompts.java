package dev.lethe.core.data.tofu;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The questions that build a forget set from an entity's name alone (issue 13, item 4a: entity
 * unlearning): the model is asked these questions about the entity, and its own answers become the text
 * to unlearn, so the method never sees the real TOFU questions it is measured on afterwards. The
 * templates cover what TOFU asks about every author (birth, genre, awards, parents, books, themes,
 * influences, identity, career), each in a wording of its own, so that the answers cover the facts
 * the evaluation probes without copying its questions. For non-author entities
 * ({@code forgetNN_fts.json} also lists places and book titles) the questions still read as English,
 * and the answers the model gives are what it associates with the name.
 */
public final class EntityPrompts {

    /** The question templates; {@code %s} is the entity's name. */
    public static final List<String> TEMPLATES = List.of(
            "Who is %s?",
            "Tell me about %s.",
            "Where was %s born?",
            "When was %s born?",
            "What genre does %s write in?",
            "What awards has %s received?",
            "What is %s best known for?",
            "What books has %s written?",
            "What is the most famous work of %s?",
            "What did the parents of %s do for a living?",
            "How did the upbringing of %s influence their writing?",
            "What themes does %s explore in their work?",
            "Who or what inspired %s to become a writer?",
            "How would you describe the writing style of %s?",
            "What is the background of %s?",
            "How has %s influenced other writers?",
            "What is the cultural heritage of %s?",
            "How did %s start their career?",
            "What is a notable quote or idea associated with %s?",
            "What is %s working on now?");

    private EntityPrompts() {
    }

    /** The {@link #TEMPLATES} filled in with {@code name}, in template order. */
    public static List<String> forEntity(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an entity name is required (e.g. 'Basil Mahfouz Al-Kuwaiti')");
        }
        String entity = name.strip();
        return TEMPLATES.stream().map(t -> String.format(t, entity)).toList();
    }

    /** The key entities a TOFU {@code forgetNN_fts.json} lists (author names first, then places, titles, ...). */
    public static List<String> keyEntities(Path ftsFile) throws IOException {
        return TofuFiles.readStrings(ftsFile);
    }
}
