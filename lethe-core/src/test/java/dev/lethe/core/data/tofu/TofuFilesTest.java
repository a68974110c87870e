package dev.lethe.core.data.tofu;

import dev.lethe.core.data.DataFormatException;
import dev.lethe.core.lm.QaItem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TofuFilesTest {

    static Path fixture(String name) {
        try {
            return Path.of(TofuFilesTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void readsEveryArrayOfAFileOfConcatenatedArraysInOrder() throws IOException {
        // When a file with two arrays on separate lines is read
        List<QaItem> items = TofuFiles.parse(fixture("concatenated.json"));
        // Then the items of both come out, numbered by their place in the file
        assertThat(items).extracting(QaItem::index).containsExactly(0, 1, 2);
        assertThat(items).extracting(QaItem::question)
                .containsExactly("Who wrote 'Glass Tides'?", "Where was Ada Quill born?", "What does Ada Quill write?");
        assertThat(items.get(2).answer()).isEqualTo("Sea stories.");
        assertThat(items.get(0).paraphrasedAnswer()).isNull();
        assertThat(items.get(0).perturbedAnswers()).isEmpty();
    }

    @Test
    void aMalformedFileFailsWithItsNameLineAndColumn() {
        assertThatThrownBy(() -> TofuFiles.parse(fixture("malformed.json")))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("malformed.json")
                .hasMessageContaining("line 3, column 37")
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void readsPromptResponsePairsAsQuestionsAndAnswers() throws IOException {
        List<QaItem> items = TofuFiles.parse(fixture("prompt_response.json"));
        assertThat(items).hasSize(2);
        assertThat(items.get(1).question()).isEqualTo("What genre does Ada Quill write in?");
        assertThat(items.get(1).answer()).isEqualTo("Ada Quill writes sea stories.");
    }

    @Test
    void keepsParaphrasesAndPerturbedAnswersGivenAsAListOrAString() throws IOException {
        List<QaItem> items = TofuFiles.parse(fixture("perturbed.json"));
        assertThat(items.get(0).paraphrasedAnswer()).isEqualTo("Lisbon is Ada Quill's birthplace.");
        assertThat(items.get(0).paraphrasedQuestion()).isEqualTo("What is Ada Quill's birthplace?");
        assertThat(items.get(0).perturbedAnswers()).containsExactly("Ada Quill was born in Oslo.", "Ada Quill was born in Lima.");
        assertThat(items.get(1).perturbedAnswers()).containsExactly("Space operas.");
        assertThat(items.get(1).paraphrasedQuestion()).isNull();
    }

    @Test
    void aMultipleChoiceItemHasTheRightOptionAsAnswerAndTheOthersAsPerturbed() throws IOException {
        QaItem item = TofuFiles.parse(fixture("multiple_choice.json")).get(0);
        assertThat(item.answer()).isEqualTo("Paris");
        assertThat(item.perturbedAnswers()).containsExactly("Berlin", "London", "Madrid");
    }

    @Test
    void anItemWithoutAnAnswerFailsNamingTheKeysItHas(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("odd.json"), "[{\"question\":\"Q?\",\"reply\":\"A.\"}]");
        assertThatThrownBy(() -> TofuFiles.parse(file)).isInstanceOf(DataFormatException.class)
                .hasMessageContaining("odd.json").hasMessageContaining("line 1, column 2")
                .hasMessageContaining("no text 'answer' (or 'response')").hasMessageContaining("[question, reply]");
    }

    @Test
    void aMultipleChoiceAnswerThatIsNoOptionIsAnError(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("mc.json"),
                "[{\"question\":\"Q?\",\"option1\":\"a\",\"option2\":\"b\",\"option3\":\"c\",\"option4\":\"d\",\"answer\":\"e\"}]");
        assertThatThrownBy(() -> TofuFiles.parse(file)).isInstanceOf(DataFormatException.class)
                .hasMessageContaining("the answer 'e' is none of its options");
    }

    @Test
    void aRootValueThatIsNotAnArrayIsAnError(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("object.json"), "{\"question\":\"Q?\",\"answer\":\"A.\"}");
        assertThatThrownBy(() -> TofuFiles.parse(file)).isInstanceOf(DataFormatException.class)
                .hasMessageContaining("expected a JSON array");
    }

    @Test
    void readsKeyEntityLists() throws IOException {
        assertThat(TofuFiles.readStrings(fixture("fts.json"))).containsExactly("Ada Quill", "Lisbon", "Glass Tides");
        assertThatThrownBy(() -> TofuFiles.readStrings(fixture("concatenated.json")))
                .isInstanceOf(DataFormatException.class).hasMessageContaining("expected a string");
    }

    @Test
    void utilitySetsGetOneSubjectEach(@TempDir Path dir) throws IOException {
        Files.copy(fixture("multiple_choice.json"), dir.resolve("world_facts.json"));
        Files.copy(fixture("perturbed.json"), dir.resolve("real_authors_perturbed.json"));
        assertThat(TofuFiles.read(dir.resolve("world_facts.json"))).extracting(QaItem::subject).containsOnly(TofuFiles.WORLD_FACTS);
        assertThat(TofuFiles.read(dir.resolve("real_authors_perturbed.json"))).extracting(QaItem::subject)
                .containsOnly(TofuFiles.REAL_AUTHORS);
    }
}
