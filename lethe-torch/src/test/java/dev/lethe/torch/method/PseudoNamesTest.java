package dev.lethe.torch.method;

import dev.lethe.core.data.NextTokenTargets;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.TokenSequences;
import dev.lethe.core.lm.QaItem;
import dev.lethe.core.text.ByteTokenizer;
import dev.lethe.core.text.Tokenizer;
import dev.lethe.torch.lm.eval.QaRecords;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The name swap behind {@code whp}: same shape, every mention, the same made-up name per subject and draw. */
class PseudoNamesTest {

    private static final List<QaItem> PAIRS = List.of(
            QaItem.of(0, "Where was Basil Mahfouz Al-Kuwaiti born?", "Basil Mahfouz Al-Kuwaiti was born in Kuwait City.", "Basil Mahfouz Al-Kuwaiti"),
            QaItem.of(1, "What did Al-Kuwaiti's father do?", "Basil's father was a florist.", "Basil Mahfouz Al-Kuwaiti"),
            QaItem.of(2, "Which prize did Nikolai Abilov win?", "He won the Tolstoy Award; Nikolai was proud.", "Nikolai Abilov"));

    @Test
    void everyWordOfTheNameIsSwappedForAMadeUpWordOfTheSameShapeAndNothingElseMoves() {
        RecordSet forget = QaRecords.of("forget", ByteTokenizer.INSTANCE, PAIRS);
        RecordSet swapped = PseudoNames.swapped(forget, ByteTokenizer.INSTANCE, 7, 0);
        Map<String, String> basil = PseudoNames.pseudoWords("Basil Mahfouz Al-Kuwaiti", 7, 0);
        assertThat(basil).containsOnlyKeys("Basil", "Mahfouz", "Al-Kuwaiti");
        basil.forEach((word, made) -> {
            assertThat(made).hasSameSizeAs(word).isNotEqualTo(word);
            for (int c = 0; c < word.length(); c++) {
                assertThat(Character.isUpperCase(made.charAt(c))).isEqualTo(Character.isUpperCase(word.charAt(c)));
                assertThat(Character.isLetter(made.charAt(c))).isEqualTo(Character.isLetter(word.charAt(c)));
                assertThat("aeiouAEIOU".indexOf(made.charAt(c)) >= 0).isEqualTo("aeiouAEIOU".indexOf(word.charAt(c)) >= 0);
            }
        });
        String madeUp = basil.get("Basil") + " " + basil.get("Mahfouz") + " " + basil.get("Al-Kuwaiti");
        assertThat(text(swapped, 0)).isEqualTo(text(forget, 0).replace("Basil Mahfouz Al-Kuwaiti", madeUp)).doesNotContain("Basil");
        assertThat(text(swapped, 1)).contains(basil.get("Al-Kuwaiti") + "'s father", basil.get("Basil") + "'s father")
                .doesNotContain("Kuwaiti").doesNotContain("Basil");
        assertThat(text(swapped, 2)).doesNotContain("Nikolai").doesNotContain("Abilov").contains("Tolstoy Award");
        for (int i = 0; i < forget.size(); i++) {
            assertThat(text(swapped, i)).hasSameSizeAs(text(forget, i));
        }
        assertThat(swapped.ids()).isEqualTo(forget.ids());
        assertThat(((NextTokenTargets) swapped.targets()).maskView()).isEqualTo(((NextTokenTargets) forget.targets()).maskView());
    }

    @Test
    void theDrawIsAPureFunctionOfSeedAndDrawNumber() {
        RecordSet forget = QaRecords.of("forget", ByteTokenizer.INSTANCE, PAIRS);
        assertThat(text(PseudoNames.swapped(forget, ByteTokenizer.INSTANCE, 7, 1), 0))
                .isEqualTo(text(PseudoNames.swapped(forget, ByteTokenizer.INSTANCE, 7, 1), 0))
                .isNotEqualTo(text(PseudoNames.swapped(forget, ByteTokenizer.INSTANCE, 7, 2), 0))
                .isNotEqualTo(text(PseudoNames.swapped(forget, ByteTokenizer.INSTANCE, 8, 1), 0));
    }

    @Test
    void aSubjectThatIsNotTheNameInTheTextIsRefusedWithWhatToDo() {
        RecordSet numbered = QaRecords.of("forget", ByteTokenizer.INSTANCE,
                List.of(QaItem.of(0, "Where was Basil born?", "In Kuwait City.", "forget01-000")));
        assertThatThrownBy(() -> PseudoNames.swapped(numbered, ByteTokenizer.INSTANCE, 1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'forget01-000' occurs in none of its forget records")
                .hasMessageContaining("each subject must be the name the records use");
    }

    @Test
    void aTokenizerThatDoesNotGiveBackTheRecordsTokensIsRefused() {
        Tokenizer wordLevel = new Tokenizer() {
            @Override
            public String name() {
                return "one-token-per-vowel";
            }

            @Override
            public int vocabularySize() {
                return 256;
            }

            @Override
            public int[] encode(String text) {
                return ByteTokenizer.INSTANCE.encode(text.replaceAll("[aeiou]", "a"));
            }

            @Override
            public String decode(int[] tokens) {
                return ByteTokenizer.INSTANCE.decode(tokens);
            }
        };
        RecordSet forget = QaRecords.of("forget", ByteTokenizer.INSTANCE, PAIRS);
        assertThatThrownBy(() -> PseudoNames.swapped(forget, wordLevel, 1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not decode and encode back to its tokens with tokenizer 'one-token-per-vowel'");
    }

    private static String text(RecordSet records, int i) {
        return ByteTokenizer.INSTANCE.decode(((TokenSequences) records.content()).tokens(i));
    }
}
