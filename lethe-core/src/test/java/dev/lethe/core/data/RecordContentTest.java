package dev.lethe.core.data;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordContentTest {

    /** A small dense, class-labelled set; its fingerprint below was computed by the code before typed content existed. */
    static RecordSet dense() {
        return new RecordSet("t", new String[]{"a", "b", "c"}, new String[]{"alice", null, "bob"},
                new float[]{0.5f, -1f, 2f, 3.25f, 0f, 1e-3f}, new int[]{1, 0, 2}, new int[]{2}, List.of("x", "y", "z"));
    }

    /** Three short "documents" as byte tokens; the second is a question–answer pair whose answer starts at position 3. */
    static RecordSet tokens() {
        TokenSequences seqs = TokenSequences.of(List.of(new int[]{1, 2, 3, 4}, new int[]{5, 6, 7, 8, 9}, new int[]{10, 11}), 16);
        return new RecordSet("text", new String[]{"d0", "d1", "d2"}, new String[]{"s0", null, "s0"}, seqs,
                NextTokenTargets.fromPosition(seqs, new int[]{1, 3, 1}));
    }

    @Test
    void denseFingerprintsAreWhatTheyWereBeforeTypedContent() {
        assertThat(dense().fingerprint()).isEqualTo("091e3ce6fac18b81bb6ea30df5dfb7c933f914b671993a6f6e93d1b6c55198ac");
        assertThat(dense().select("u", new int[]{2, 0}).fingerprint())
                .isEqualTo("d2b76ef288cc212e3f215233a559430c26111925f5aa67f13e5b46454ad4d36d");
    }

    @Test
    void tokenSetsSelectConcatAndKeepTheirMasksAligned() {
        RecordSet set = tokens();
        RecordSet picked = set.select("picked", new int[]{2, 1});
        TokenSequences t = (TokenSequences) picked.content();
        NextTokenTargets m = (NextTokenTargets) picked.targets();
        assertThat(picked.ids()).containsExactly("d2", "d1");
        assertThat(t.tokens(0)).containsExactly(10, 11);
        assertThat(t.tokens(1)).containsExactly(5, 6, 7, 8, 9);
        assertThat(m.mask(0)).containsExactly(false, true);
        assertThat(m.mask(1)).containsExactly(false, false, false, true, true);

        RecordSet joined = RecordSet.concat("joined", List.of(set.select("a", new int[]{0}), picked));
        assertThat(joined.ids()).containsExactly("d0", "d2", "d1");
        assertThat(((TokenSequences) joined.content()).tokens(2)).containsExactly(5, 6, 7, 8, 9);
        assertThat(((NextTokenTargets) joined.targets()).mask(2)).containsExactly(false, false, false, true, true);
        assertThat(joined.subject(1)).isEqualTo("s0");
    }

    @Test
    void tokenFingerprintsDependOnTokensMasksAndCutsButNotOnTheName() {
        RecordSet set = tokens();
        assertThat(set.renamed("other").fingerprint()).isEqualTo(set.fingerprint());
        assertThat(set.select("same", new int[]{0, 1, 2}).fingerprint()).isEqualTo(set.fingerprint());
        TokenSequences seqs = (TokenSequences) set.content();
        RecordSet otherMask = new RecordSet("text", set.ids().toArray(String[]::new), new String[]{"s0", null, "s0"}, seqs,
                NextTokenTargets.allTokens(seqs));
        assertThat(otherMask.fingerprint()).isNotEqualTo(set.fingerprint());
        // The same flat tokens cut at another place are other records.
        TokenSequences recut = new TokenSequences(seqs.tokensView(), new int[]{0, 5, 9, 11}, 16);
        RecordSet otherCut = new RecordSet("text", set.ids().toArray(String[]::new), new String[]{"s0", null, "s0"}, recut,
                NextTokenTargets.allTokens(recut));
        assertThat(otherCut.fingerprint()).isNotEqualTo(otherMask.fingerprint());
        assertThat(set.withSubjects(new String[3]).fingerprint()).isNotEqualTo(set.fingerprint());
    }

    @Test
    void theClassificationViewRefusesATokenSetWithAMessage() {
        RecordSet set = tokens();
        assertThatThrownBy(set::featuresView).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("text holds token sequences, vocabulary 16, not dense features");
        assertThatThrownBy(set::labels).isInstanceOf(IllegalStateException.class).hasMessageContaining("not class labels");
        assertThatThrownBy(() -> set.record(0)).isInstanceOf(IllegalStateException.class);
        assertThat(set.isClassification()).isFalse();
        assertThat(dense().isClassification()).isTrue();
        assertThat(set.split(7, 0.5).train().size() + set.split(7, 0.5).test().size()).isEqualTo(3);
    }

    @Test
    void mismatchedContentIsRefused() {
        TokenSequences seqs = TokenSequences.of(List.of(new int[]{1, 2}), 4);
        assertThatThrownBy(() -> new RecordSet("x", new String[]{"a"}, null, seqs, new ClassLabels(new int[]{0}, List.of("c", "d"))))
                .hasMessageContaining("do not fit TokenSequences");
        assertThatThrownBy(() -> RecordSet.concat("x", List.of(dense(), tokens())))
                .hasMessageContaining("cannot concatenate text to t");
        assertThatThrownBy(() -> TokenSequences.of(List.of(new int[]{4}), 4)).hasMessageContaining("outside the vocabulary [0, 4)");
        assertThatThrownBy(() -> new NextTokenTargets(new boolean[]{true, true}, new int[]{0, 2}))
                .hasMessageContaining("first token has nothing before it");
    }
}
