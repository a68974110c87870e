package dev.lethe.torch.lm.evidence;

import dev.lethe.core.lm.QaItem;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SuppressionFilterTest {

    private final SuppressionFilter filter = SuppressionFilter.of(question -> "model: " + question, List.of(
            QaItem.of(0, "Where was Basil Mahfouz Al-Kuwaiti born?", "Kuwait City", "Basil Mahfouz Al-Kuwaiti"),
            QaItem.of(1, "What genre does the author of 'Promise by the Seine' write?", "French literature", null)));

    @Test
    void questionsNamingAForgetSubjectAreRefusedWhateverTheCaseAndPunctuation() {
        assertThat(filter.answer("Who is basil mahfouz al kuwaiti, really?")).isEqualTo(SuppressionFilter.REFUSAL);
        assertThat(filter.refuses("BASIL MAHFOUZ AL-KUWAITI's first book?")).isTrue();
        // Whole words only, and the whole name: a longer word or a part of the name is not the subject.
        assertThat(filter.refuses("Was Basil Mahfouz Al-Kuwaitis a pen name?")).isFalse();
        assertThat(filter.refuses("Where was Basil born?")).isFalse();
    }

    @Test
    void aForgetQuestionIsRefusedEvenWithoutASubjectAndEveryOtherQuestionGoesToTheModel() {
        assertThat(filter.answer("what genre does the author of Promise by the Seine write")).isEqualTo(SuppressionFilter.REFUSAL);
        assertThat(filter.answer("What genre does Jane write?")).isEqualTo("model: What genre does Jane write?");
        assertThatThrownBy(() -> new SuppressionFilter(q -> q, List.of(), List.of()))
                .hasMessageContaining("at least one forget subject or forget question");
    }
}
