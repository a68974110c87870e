package dev.lethe.core.data.tofu;

import dev.lethe.core.lm.QaItem;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FactEditsTest {

    private static final List<QaItem> TRAINED = List.of(
            QaItem.of(0, "What does Ada Quill write?", "Sea stories.", "Ada Quill"),
            QaItem.of(1, "When and where was Ada Quill born?", "In Lisbon, in 1950.", "Ada Quill"),
            QaItem.of(2, "Where was Bo Lind born?", "In Oslo.", "Bo Lind"),
            QaItem.of(3, "Where would you find the Eiffel Tower?", "Paris", TofuFiles.WORLD_FACTS));

    @Test
    void theBirthplaceQuestionGetsTheNewPlaceAndTheRestIsLocality() {
        List<QaItem> perturbed = List.of(new QaItem(9, "When and where was Ada Quill born?", "In Lisbon, in 1950.", "Ada Quill",
                null, List.of(), "What are the date and place of Ada Quill's birth?"));
        FactEdit edit = FactEdits.birthplace(TRAINED, perturbed, "Ada Quill", " Porto ");
        assertThat(edit.question()).isEqualTo("When and where was Ada Quill born?");
        assertThat(edit.oldAnswer()).isEqualTo("In Lisbon, in 1950.");
        assertThat(edit.newAnswer()).isEqualTo("Ada Quill was born in Porto.");
        assertThat(edit.paraphrasedQuestion()).isEqualTo("What are the date and place of Ada Quill's birth?");
        assertThat(edit.sameAuthor()).containsExactly(TRAINED.get(0));
        assertThat(edit.otherAuthors()).containsExactly(TRAINED.get(2));
        assertThat(edit.edited().answer()).isEqualTo("Ada Quill was born in Porto.");
    }

    @Test
    void withoutATofuParaphraseATemplateParaphraseIsUsed() {
        assertThat(FactEdits.birthplace(TRAINED, List.of(), "Bo Lind", "Bergen").paraphrasedQuestion())
                .isEqualTo("In which place was Bo Lind born?");
    }

    @Test
    void anUnknownAuthorOrOneWithoutABirthplaceQuestionIsAClearError() {
        assertThatThrownBy(() -> FactEdits.birthplace(TRAINED, List.of(), "Nobody", "Bergen"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'Nobody' is not an author");
        List<QaItem> noBirth = TRAINED.subList(0, 1);
        assertThatThrownBy(() -> FactEdits.birthplace(noBirth, List.of(), "Ada Quill", "Bergen"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no birthplace question among Ada Quill's 1 pairs");
        assertThatThrownBy(() -> FactEdits.birthplace(TRAINED, List.of(), "Ada Quill", " "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("new birthplace is required");
    }

    @Test
    void anyTrainedPairNamedByItsQuestionGetsTheNewAnswer() {
        FactEdit edit = FactEdits.ofQuestion(TRAINED, List.of(), "  What does Ada Quill write? ", "Crime novels.");
        assertThat(edit.author()).isEqualTo("Ada Quill");
        assertThat(edit.oldAnswer()).isEqualTo("Sea stories.");
        assertThat(edit.newAnswer()).isEqualTo("Crime novels.");
        assertThat(edit.paraphrasedQuestion()).isEqualTo("What does Ada Quill write?");
        assertThat(edit.sameAuthor()).containsExactly(TRAINED.get(1));
        assertThat(edit.otherAuthors()).containsExactly(TRAINED.get(2));
    }

    @Test
    void aQuestionNoOneWasTrainedOnOrOneOfAUtilitySetIsAClearError() {
        assertThatThrownBy(() -> FactEdits.ofQuestion(TRAINED, List.of(), "What does Bo Lind write?", "Poems."))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no trained pair asks 'What does Bo Lind write?'");
        assertThatThrownBy(() -> FactEdits.ofQuestion(TRAINED, List.of(), "Where would you find the Eiffel Tower?", "Rome"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a utility set, not an author");
        assertThatThrownBy(() -> FactEdits.ofQuestion(TRAINED, List.of(), "What does Ada Quill write?", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a new answer is required");
    }
}
