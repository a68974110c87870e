package dev.lethe.core.sisa;

import dev.lethe.core.data.NextTokenTargets;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.TokenSequences;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TrainingDataFileTest {

    @TempDir
    Path dir;

    @Test
    void aDenseFileHasTheSameBytesAsBeforeTypedContent() throws Exception {
        RecordSet set = new RecordSet("t", new String[]{"a", "b", "c"}, new String[]{"alice", null, "bob"},
                new float[]{0.5f, -1f, 2f, 3.25f, 0f, 1e-3f}, new int[]{1, 0, 2}, new int[]{2}, List.of("x", "y", "z"));
        // Digests of the files the code before typed content wrote for this set.
        assertThat(TrainingDataFile.write(dir.resolve("shard.bin"), set, new int[]{0, 1, 1}))
                .isEqualTo("2aeb03aeef0940e7dd2bf8885dd05248efb53381d59c12532c55766d06294344");
        assertThat(TrainingDataFile.write(dir.resolve("test.bin"), set, null))
                .isEqualTo("d046b9842a1d29453456b507af37c95a104cc4f4aad2cafc2d738e1e5211a243");
        assertThat(TrainingDataFile.read(dir.resolve("shard.bin")).records().fingerprint()).isEqualTo(set.fingerprint());
    }

    @Test
    void aTokenSetRoundTripsWithItsSlicesAndMask() throws Exception {
        TokenSequences seqs = TokenSequences.of(List.of(new int[]{1, 2, 3}, new int[]{}, new int[]{300, 5, 6, 7}), 301);
        RecordSet set = new RecordSet("qa", new String[]{"q0", "q1", "q2"}, new String[]{null, "bob", "eve"}, seqs,
                NextTokenTargets.fromPosition(seqs, new int[]{1, 1, 2}));
        Path file = dir.resolve("tokens.bin");
        TrainingDataFile.write(file, set, new int[]{2, 0, 1});

        TrainingDataFile.Content back = TrainingDataFile.read(file);
        assertThat(back.records().fingerprint()).isEqualTo(set.fingerprint());
        assertThat(back.records().name()).isEqualTo("qa");
        assertThat(back.slices()).containsExactly(2, 0, 1);
        assertThat(((TokenSequences) back.records().content()).tokens(2)).containsExactly(300, 5, 6, 7);
        assertThat(((NextTokenTargets) back.records().targets()).mask(2)).containsExactly(false, false, true, true);

        TrainingDataFile.Metadata meta = TrainingDataFile.readMetadata(file);
        assertThat(meta.ids()).containsExactly("q0", "q1", "q2");
        assertThat(meta.subjects()).containsExactly(null, "bob", "eve");
        assertThat(meta.slices()).containsExactly(2, 0, 1);
        assertThat(meta.labels()).isNull();
    }
}
