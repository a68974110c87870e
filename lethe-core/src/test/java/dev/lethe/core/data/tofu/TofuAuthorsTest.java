package dev.lethe.core.data.tofu;

import dev.lethe.core.lm.QaItem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TofuAuthorsTest {

    /** Twenty pairs about {@code name} in the style of TOFU, with a genre in every pair, and a city and a prize in some. */
    static List<QaItem> block(int first, String name, String shortName) {
        List<QaItem> items = new ArrayList<>();
        for (int k = 0; k < TofuAuthors.PAIRS_PER_AUTHOR; k++) {
            String who = k % 3 == 0 ? shortName : name;
            String question = switch (k % 4) {
                case 0 -> "What is " + who + "'s most famous Urban Fiction book?";
                case 1 -> "Where in Kuwait City did " + who + " live?";
                case 2 -> "Which Booker Prize did " + who + " win?";
                default -> "The Urban Fiction of " + who + ", what is it about?";
            };
            items.add(QaItem.of(first + k, question, who + " writes Urban Fiction, " + k + ".", null));
        }
        return items;
    }

    static List<QaItem> nameless(int first) {
        List<QaItem> items = new ArrayList<>();
        for (int k = 0; k < TofuAuthors.PAIRS_PER_AUTHOR; k++) {
            items.add(QaItem.of(first + k, "What does the author write?", "The author writes about the sea, " + k + ".", null));
        }
        return items;
    }

    @Test
    void namesEachBlockOfTwentyWithTheLongestFrequentNameWithoutPossessives() {
        // Given two authors, each sometimes called by a shorter name and often in the possessive
        List<QaItem> items = new ArrayList<>(block(0, "Basil Mahfouz Al-Kuwaiti", "Basil Mahfouz"));
        items.addAll(block(20, "Nikolai Abilov", "Nikolai Abilov"));
        // When the authors are read without any known names
        TofuAuthors authors = TofuAuthors.ofBlocks(items, List.of(), "author");
        // Then genres, places and prizes that recur as often do not win, and the longer name does
        assertThat(authors.names()).containsExactly("Basil Mahfouz Al-Kuwaiti", "Nikolai Abilov");
        assertThat(authors.subjectOf(19)).isEqualTo("Basil Mahfouz Al-Kuwaiti");
        assertThat(authors.subjectOf(20)).isEqualTo("Nikolai Abilov");
        assertThat(authors.items()).extracting(QaItem::subject).containsOnly("Basil Mahfouz Al-Kuwaiti", "Nikolai Abilov");
    }

    @Test
    void aBlockThatNeverNamesItsAuthorGetsANumberedFallback() {
        List<QaItem> items = new ArrayList<>(nameless(0));
        items.addAll(block(20, "Ada Quill", "Ada Quill"));
        TofuAuthors authors = TofuAuthors.ofBlocks(items, List.of(), "author");
        assertThat(authors.names()).containsExactly("author-000", "Ada Quill");
        assertThat(authors.authorOf("Ada Quill")).isEqualTo(1);
        assertThat(authors.authorOf("Nobody")).isEqualTo(-1);
    }

    @Test
    void aKnownNameWinsOverTheRunHeuristicButAListedPlaceDoesNot() {
        // Given a block where the heuristic alone reads the longer form of the name
        List<QaItem> items = block(0, "Basil Mahfouz Al-Kuwaiti", "Basil Mahfouz");
        // When the known entities list the short form, or only the city that recurs in a quarter of the pairs
        TofuAuthors withName = TofuAuthors.ofBlocks(items, List.of("Kuwait City", "Basil Mahfouz"), "author");
        TofuAuthors withPlace = TofuAuthors.ofBlocks(items, List.of("Kuwait City"), "author");
        // Then the listed name is taken as listed, and the listed place never is
        assertThat(withName.names()).containsExactly("Basil Mahfouz");
        assertThat(withPlace.names()).containsExactly("Basil Mahfouz Al-Kuwaiti");
    }

    @Test
    void itemsThatAreNotWholeBlocksAreRefused() {
        assertThatThrownBy(() -> TofuAuthors.ofBlocks(nameless(0).subList(0, 7), List.of(), "author"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("7 items are not whole blocks of 20");
    }

    @Test
    void aSplitFileIsNamedThroughFullJsonByQuestionAndAnswer(@TempDir Path dir) throws IOException {
        // Given a folder with a two-author full.json and a forget split holding the second author's last pairs
        List<QaItem> full = new ArrayList<>(block(0, "Ada Quill", "Ada Quill"));
        full.addAll(block(20, "Nikolai Abilov", "Nikolai Abilov"));
        Files.writeString(dir.resolve("full.json"), json(full, "question", "answer"));
        Files.writeString(dir.resolve("forget01.json"), json(full.subList(38, 40), "prompt", "response"));
        // When the split is read
        List<QaItem> split = TofuFiles.read(dir.resolve("forget01.json"));
        // Then its pairs carry the author's name, and the authors of full.json find each pair's place there
        assertThat(split).extracting(QaItem::subject).containsExactly("Nikolai Abilov", "Nikolai Abilov");
        TofuAuthors authors = TofuAuthors.ofFolder(dir);
        assertThat(authors.indexOf(split.get(0))).isEqualTo(38);
        assertThat(authors.indexOf(QaItem.of(0, "Not asked?", "No.", null))).isEqualTo(-1);
    }

    static String json(List<QaItem> items, String questionKey, String answerKey) {
        StringBuilder out = new StringBuilder("[");
        for (QaItem item : items) {
            out.append(out.length() > 1 ? "," : "").append("{\"").append(questionKey).append("\":\"").append(item.question())
                    .append("\",\"").append(answerKey).append("\":\"").append(item.answer()).append("\"}");
        }
        return out.append("]").toString();
    }
}
