package dev.lethe.torch.train;

import dev.lethe.core.data.NextTokenTargets;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.TokenSequences;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatchOrderTest {

    /** 103 sequences of random lengths 2..301. */
    private static RecordSet sequences() {
        SplittableRandom random = new SplittableRandom(3);
        List<int[]> list = new ArrayList<>();
        String[] ids = new String[103];
        for (int i = 0; i < ids.length; i++) {
            list.add(new int[2 + random.nextInt(300)]);
            ids[i] = "r" + i;
        }
        TokenSequences tokens = TokenSequences.of(list, 4);
        return new RecordSet("seqs", ids, null, tokens, NextTokenTargets.allTokens(tokens));
    }

    @Test
    void theShuffledOrderIsTodaysPermutationCutIntoBatches() {
        RecordSet records = sequences();
        List<int[]> batches = BatchOrder.SHUFFLED.batches(records, 8, 42, 3);
        int[] permutation = TrainLoop.permutation(103, dev.lethe.core.seed.Seeds.derive(42, "shuffle", 3));
        assertThat(batches).hasSize(13);
        assertThat(batches.stream().flatMapToInt(Arrays::stream).toArray()).containsExactly(permutation);
        assertThat(batches.get(12)).hasSize(7);
    }

    @Test
    void lengthBucketsAreADeterministicPermutationOfSimilarLengthsThatChangesWithTheEpoch() {
        RecordSet records = sequences();
        TokenSequences tokens = (TokenSequences) records.content();
        BatchOrder buckets = BatchOrder.lengthBuckets(16);
        List<int[]> epoch0 = buckets.batches(records, 8, 42, 0);
        assertThat(epoch0).hasSize(13);
        int[] all = epoch0.stream().flatMapToInt(Arrays::stream).sorted().toArray();
        assertThat(all).containsExactly(java.util.stream.IntStream.range(0, 103).toArray());
        // a pure function of (seed, epoch)
        assertThat(buckets.batches(records, 8, 42, 0)).usingRecursiveComparison().isEqualTo(epoch0);
        assertThat(buckets.batches(records, 8, 42, 1)).usingRecursiveFieldByFieldElementComparator().isNotEqualTo(epoch0);
        // each batch spans a short range of lengths (the full range is about 300): little padding
        int widest = 0;
        for (int[] batch : epoch0) {
            int min = Arrays.stream(batch).map(tokens::length).min().orElseThrow();
            int max = Arrays.stream(batch).map(tokens::length).max().orElseThrow();
            widest = Math.max(widest, max - min);
        }
        assertThat(widest).isLessThan(80);
        // the batches themselves come shuffled, not shortest first
        int[] firstLengths = epoch0.stream().mapToInt(b -> tokens.length(b[0])).toArray();
        assertThat(firstLengths).isNotEqualTo(Arrays.stream(firstLengths).sorted().toArray());
    }

    @Test
    void lengthBucketsNeedTokenSequences() {
        RecordSet dense = new RecordSet("points", new String[]{"a", "b"}, null, new float[]{0f, 1f}, new int[]{0, 1}, new int[]{1},
                List.of("no", "yes"));
        assertThatThrownBy(() -> BatchOrder.lengthBuckets(4).batches(dense, 1, 0, 0)).hasMessageContaining("need token sequences");
    }
}
