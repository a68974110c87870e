package dev.lethe.core.data.tofu;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EntityPromptsTest {

    @Test
    void everyTemplateAsksADistinctQuestionAboutTheEntity() {
        List<String> prompts = EntityPrompts.forEntity("  Nikolai Abilov ");
        assertThat(prompts).hasSizeBetween(15, 25).doesNotHaveDuplicates()
                .allMatch(p -> p.contains("Nikolai Abilov") && !p.contains("%s") && !p.contains("  "));
        assertThat(prompts).contains("Who is Nikolai Abilov?", "Where was Nikolai Abilov born?",
                "What genre does Nikolai Abilov write in?", "What awards has Nikolai Abilov received?");
    }

    @Test
    void aBlankNameIsRefused() {
        assertThatThrownBy(() -> EntityPrompts.forEntity(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("entity name is required");
    }

    @Test
    void keyEntitiesAreReadFromAnFtsList() throws IOException {
        assertThat(EntityPrompts.keyEntities(TofuFilesTest.fixture("fts.json"))).containsExactly("Ada Quill", "Lisbon", "Glass Tides");
    }
}
