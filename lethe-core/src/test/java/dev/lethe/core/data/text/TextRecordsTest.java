package dev.lethe.core.data.text;

import dev.lethe.core.data.DataFiles;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.NextTokenTargets;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.TokenSequences;
import dev.lethe.core.data.catalog.DatasetCatalog;
import dev.lethe.core.lm.QaItem;
import dev.lethe.core.text.ByteTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

class TextRecordsTest {

    private static final String PLAY = """
            A prologue that no one speaks.

            First Citizen:
            Before we proceed any further, hear me speak.

            All:
            Speak, speak.

            First Citizen:
            You are all resolved rather to die than to famish?
            Come:
            Is't a verdict?

            MENENIUS:
            """;

    @Test
    void aTurnIsTheLinesAfterASpeakerLineUpToTheBlankLineAndAVerseLineWithAColonStaysInIt() {
        List<SpeakerTurns.Turn> turns = SpeakerTurns.parse(PLAY);
        assertThat(turns).containsExactly(
                new SpeakerTurns.Turn("First Citizen", "Before we proceed any further, hear me speak.\n"),
                new SpeakerTurns.Turn("All", "Speak, speak.\n"),
                new SpeakerTurns.Turn("First Citizen", "You are all resolved rather to die than to famish?\nCome:\nIs't a verdict?\n"));
    }

    @Test
    void textRecordsCountEveryTokenAndKeepTheSubject() {
        RecordSet set = TextRecords.of("play", List.of(new TextRecords.Passage("All", "Speak, speak.\n")), "shakespeare",
                ByteTokenizer.INSTANCE, 512);
        assertThat(set.ids()).containsExactly("shakespeare-000000");
        assertThat(set.subject(0)).isEqualTo("All");
        assertThat(ByteTokenizer.INSTANCE.decode(((TokenSequences) set.content()).tokens(0))).isEqualTo("Speak, speak.\n");
        boolean[] mask = ((NextTokenTargets) set.targets()).mask(0);
        assertThat(mask[0]).isFalse();
        assertThat(IntStream.range(1, mask.length).allMatch(k -> mask[k])).isTrue();
    }

    @Test
    void aLongPassageIsCutAtLineEndsIntoChunksThatFitAndTogetherAreThePassage() {
        // Given a passage of three 10-byte lines and one 25-byte line, and records of at most 24 tokens
        String text = "aaaaaaaaa\nbbbbbbbbb\nccccccccc\n" + "d".repeat(24) + "\n";
        // When it is cut
        List<int[]> chunks = TextRecords.chunks(text, ByteTokenizer.INSTANCE, 24);
        // Then whole lines stay together while they fit, the long line starts a chunk and is cut at the limit,
        // and nothing is lost
        List<String> decoded = chunks.stream().map(ByteTokenizer.INSTANCE::decode).toList();
        assertThat(decoded).containsExactly("aaaaaaaaa\nbbbbbbbbb\n", "ccccccccc\n", "d".repeat(24), "\n");
        assertThat(String.join("", decoded)).isEqualTo(text);
        assertThat(chunks).allMatch(c -> c.length <= 24);
    }

    @Test
    void tooShortARecordLimitIsRefused() {
        assertThatThrownBy(() -> TextRecords.of("x", List.of(), "p", ByteTokenizer.INSTANCE, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 2 tokens");
    }

    @Test
    void qaRecordsCountTheAnswerAndItsEndMarkerOnly() {
        RecordSet set = QaRecords.of("qa", List.of(QaItem.of(3, "Who?", "Ada.", "Ada Quill")), item -> "qa-" + item.index(),
                ByteTokenizer.INSTANCE);
        assertThat(set.ids()).containsExactly("qa-3");
        assertThat(set.subject(0)).isEqualTo("Ada Quill");
        int[] tokens = ((TokenSequences) set.content()).tokens(0);
        boolean[] mask = ((NextTokenTargets) set.targets()).mask(0);
        StringBuilder counted = new StringBuilder();
        for (int k = 0; k < tokens.length; k++) {
            if (mask[k]) {
                counted.append((char) tokens[k]);
            }
        }
        assertThat(counted.toString()).isEqualTo("Ada.\n");
        assertThat(ByteTokenizer.INSTANCE.decode(tokens)).isEqualTo("Question: Who?\nAnswer: Ada.\n");
    }

    @Test
    void theSourceReadsAGzippedPlayWithSpeakersAsSubjects(@TempDir Path dir) throws IOException {
        DataFiles.write(dir.resolve("tinyshakespeare/input.txt.gz"), DataFiles.gzip(PLAY.getBytes(StandardCharsets.UTF_8)));
        DatasetRef ref = new DatasetRef("tinyshakespeare", dir.toString(), null, null, null, null, 0, 0.3, 0, 0, 5);
        RecordSet all = new TinyShakespeareSource().read(ref).train();
        assertThat(all.ids()).containsExactly("shakespeare-000000", "shakespeare-000001", "shakespeare-000002");
        assertThat(IntStream.range(0, 3).mapToObj(all::subject)).containsExactly("First Citizen", "All", "First Citizen");
        DatasetRef.Loaded loaded = ref.load();
        assertThat(loaded.train().size() + loaded.test().size()).isEqualTo(3);
    }

    @Test
    void aFileWithoutSpeakerTurnsIsAnError(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("input.txt"), "just some prose\nwithout speakers\n");
        assertThatThrownBy(() -> new TinyShakespeareSource().read(file)).hasMessageContaining("input.txt")
                .hasMessageContaining("no speaker turns found");
        assertThatThrownBy(() -> new TinyShakespeareSource().read(
                new DatasetRef("tinyshakespeare", dir.resolve("nothing").toString(), null, null, null, null, 0, 0.3, 0, 0, 5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no tiny-shakespeare file in");
    }

    @Test
    void theRealCorpusMakesOneRecordPerTurnWithEveryRecordInTheContext() throws IOException {
        Path dir = DatasetCatalog.configuredDataDir().map(d -> d.resolve("tinyshakespeare")).orElse(null);
        assumeThat(dir != null && Files.isDirectory(dir))
                .as("skipped: set LETHE_DATASETS to a folder with tinyshakespeare/ in it (e.g. ../shared/datasets)").isTrue();
        RecordSet set = new TinyShakespeareSource().read(dir.resolve("input.txt.gz"));
        TokenSequences tokens = (TokenSequences) set.content();
        // 7,222 turns (a speaker line after a blank line); turns over 512 bytes become several records. The
        // 1,115,394 bytes less the speaker lines and blank lines are what the records hold.
        assertThat(set.size()).isEqualTo(7_549);
        assertThat(tokens.maxLength()).isLessThanOrEqualTo(TinyShakespeareSource.DEFAULT_MAX_TOKENS);
        assertThat(tokens.tokensView().length).isEqualTo(1_027_852);
        assertThat(IntStream.range(0, set.size()).mapToObj(set::subject)).contains("First Citizen", "ROMEO", "JULIET");
    }
}
