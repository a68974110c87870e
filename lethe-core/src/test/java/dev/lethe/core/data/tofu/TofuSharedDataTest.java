package dev.lethe.core.data.tofu;

import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.NextTokenTargets;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.TokenSequences;
import dev.lethe.core.data.catalog.DatasetCatalog;
import dev.lethe.core.lm.QaItem;
import dev.lethe.core.text.ByteTokenizer;
import dev.lethe.core.text.QaFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The TOFU reader, authors and benchmark subsets on the real TOFU files. They run when
 * {@code LETHE_DATASETS} (or {@code -Dlethe.datasets.dir}) names a folder with {@code tofu/} in it, such as
 * {@code ../shared/datasets}, and are skipped otherwise.
 */
class TofuSharedDataTest {

    private static Path tofu;
    private static TofuAuthors authors;
    private static TofuBenchmarkSet twenty;

    @BeforeAll
    static void load() throws IOException {
        Path dir = DatasetCatalog.configuredDataDir().map(d -> d.resolve("tofu")).orElse(null);
        assumeThat(dir != null && Files.isRegularFile(dir.resolve("full.json")))
                .as("skipped: set LETHE_DATASETS to a folder with tofu/ in it (e.g. ../shared/datasets)").isTrue();
        tofu = dir;
        authors = TofuAuthors.ofFolder(tofu);
        twenty = TofuBenchmarkSet.twentyAuthors(tofu, ByteTokenizer.INSTANCE);
    }

    @Test
    void theFilesHoldTheCountsTofuPublishes() throws IOException {
        assertThat(TofuFiles.parse(tofu.resolve("full.json"))).hasSize(4000);
        assertThat(TofuFiles.parse(tofu.resolve("retain90.json"))).hasSize(3600);
        assertThat(TofuFiles.parse(tofu.resolve("retain99.json"))).hasSize(3960);
        assertThat(TofuFiles.parse(tofu.resolve("forget05.json"))).hasSize(200);
        assertThat(TofuFiles.parse(tofu.resolve("retain_perturbed.json"))).hasSize(400);
        assertThat(TofuFiles.parse(tofu.resolve("real_authors.json"))).hasSize(100);
        assertThat(TofuFiles.parse(tofu.resolve("world_facts_perturbed.json"))).hasSize(117)
                .allSatisfy(item -> assertThat(item.perturbedAnswers()).hasSize(3));
        assertThat(TofuFiles.parse(tofu.resolve("holdout10.json"))).hasSize(400);
        assertThat(TofuFiles.parse(tofu.resolve("forget10_perturbed.json")))
                .allSatisfy(item -> assertThat(item.paraphrasedQuestion()).isNotBlank());
    }

    @Test
    void theForgetSplitsAreTheLastAuthorsOfFullAndTheRetainSplitsTheFirst() throws IOException {
        List<QaItem> forget10 = TofuFiles.read(tofu.resolve("forget10.json"), authors);
        assertThat(forget10).extracting(authors::indexOf).containsExactlyElementsOf(IntStream.range(3600, 4000).boxed().toList());
        List<QaItem> retain95 = TofuFiles.read(tofu.resolve("retain95.json"), authors);
        assertThat(retain95).extracting(authors::indexOf).containsExactlyElementsOf(IntStream.range(0, 3800).boxed().toList());
        // retain_perturbed is the first 20 authors once pairs are matched by question and answer (one question occurs twice)
        assertThat(TofuFiles.read(tofu.resolve("retain_perturbed.json"), authors)).extracting(authors::indexOf)
                .containsExactlyElementsOf(IntStream.range(0, 400).boxed().toList());
    }

    @Test
    void everyAuthorButTheOneNeverNamedGetsADistinctName() throws IOException {
        // Read by hand: 199 of the 200 names are right; block 88 never names its author in its 20 pairs.
        // TofuFiles.read finds the authors itself when given none; here they are passed to read full.json once.
        assertThat(authors.names()).doesNotHaveDuplicates().hasSize(200);
        assertThat(authors.names().stream().filter(n -> n.startsWith("author-"))).containsExactly("author-088");
        assertThat(authors.names().subList(180, 200)).containsExactlyElementsOf(
                TofuFiles.readStrings(tofu.resolve("forget10_fts.json")).stream().filter(authors.names()::contains).toList());
        assertThat(authors.names()).contains("Jaime Vasquez", "Femke Van der Veen", "Ji-Yeong Hwang", "Leila Al-Sabah");
        List<QaItem> holdout = TofuFiles.read(tofu.resolve("holdout10.json"));
        assertThat(holdout.stream().map(QaItem::subject).distinct()).hasSize(20).doesNotHaveDuplicates()
                .contains("Siriporn Nakharin", "Elsie Marais Van der Westhuizen").noneMatch(n -> n.startsWith("holdout-author"));
    }

    @Test
    void forget01IsBasilMahfouzAlKuwaitiAndNikolaiAbilov() throws IOException {
        assertThat(twenty.forgetAuthors()).containsExactly("Basil Mahfouz Al-Kuwaiti", "Nikolai Abilov");
        assertThat(TofuFiles.read(tofu.resolve("forget01_perturbed.json"), authors)).extracting(QaItem::subject)
                .containsOnly("Basil Mahfouz Al-Kuwaiti", "Nikolai Abilov");
    }

    @Test
    void theTwentyAuthorSetHas400AuthorPairsAnd217UtilityPairs() {
        RecordSet training = twenty.training();
        assertThat(training.size()).isEqualTo(617);
        List<String> ids = training.ids();
        assertThat(ids.stream().filter(id -> id.startsWith("tofu-"))).hasSize(400).contains("tofu-0000", "tofu-0359", "tofu-3960", "tofu-3999")
                .doesNotContain("tofu-0360", "tofu-3959");
        assertThat(ids.stream().filter(id -> id.startsWith("wf-"))).hasSize(117).contains("wf-007", "wf-116");
        assertThat(ids.stream().filter(id -> id.startsWith("ra-"))).hasSize(100).contains("ra-012");
        assertThat(IntStream.range(0, training.size()).mapToObj(training::subject).distinct()).hasSize(22)
                .contains(TofuFiles.WORLD_FACTS, TofuFiles.REAL_AUTHORS);
        assertThat(twenty.retainOnly().size()).isEqualTo(577);
        assertThat(twenty.forgetRecords().ids()).hasSize(40).allMatch(id -> id.compareTo("tofu-3960") >= 0);
        assertThat(twenty.forget()).hasSize(40);
        assertThat(twenty.retain()).hasSize(360);
        assertThat(twenty.realAuthors()).hasSize(100);
        assertThat(twenty.worldFacts()).hasSize(117);
        assertThat(twenty.holdout()).hasSize(40);
    }

    @Test
    void theLossMaskCoversTheAnswersOnly() {
        RecordSet training = twenty.training();
        TokenSequences tokens = (TokenSequences) training.content();
        NextTokenTargets targets = (NextTokenTargets) training.targets();
        List<QaItem> expected = authors.items();
        for (int i : new int[]{0, 17, 399}) {
            int[] seq = tokens.tokens(i);
            boolean[] mask = targets.mask(i);
            int firstCounted = IntStream.range(0, mask.length).filter(k -> mask[k]).findFirst().orElseThrow();
            QaItem item = expected.get(Integer.parseInt(training.id(i).substring("tofu-".length())));
            assertThat(ByteTokenizer.INSTANCE.decode(Arrays.copyOf(seq, firstCounted))).isEqualTo(QaFormat.prompt(item.question()));
            assertThat(ByteTokenizer.INSTANCE.decode(Arrays.copyOfRange(seq, firstCounted, seq.length))).isEqualTo(QaFormat.answer(item.answer()));
            assertThat(IntStream.range(firstCounted, mask.length).allMatch(k -> mask[k])).isTrue();
        }
    }

    @Test
    void fingerprintsAreStable() throws IOException {
        TofuBenchmarkSet again = TofuBenchmarkSet.of(tofu, "forget01", 18, ByteTokenizer.INSTANCE);
        assertThat(again.training().fingerprint()).isEqualTo(twenty.training().fingerprint())
                .isEqualTo("f6c9adae62930179334151758f4bf570089c8b3f1c3358810ad69e5b3521fe04");
        assertThat(again.retainOnly().fingerprint()).isEqualTo(twenty.retainOnly().fingerprint());
    }

    @Test
    void forget05WithFewerRetainAuthorsIsItsOwnSet() throws IOException {
        TofuBenchmarkSet set = TofuBenchmarkSet.of(tofu, "forget05", 5, ByteTokenizer.INSTANCE);
        assertThat(set.forgetAuthors()).hasSize(10).contains("Hina Ameen", "Nikolai Abilov");
        assertThat(set.training().size()).isEqualTo(100 + 200 + 217);
        assertThat(set.retain()).hasSize(100);
        assertThat(set.holdout()).hasSize(200);
        assertThat(set.training().fingerprint()).isNotEqualTo(twenty.training().fingerprint());
    }

    @Test
    void withoutTheUtilityPairsTheSubsetTrainsOnTheAuthorsPairsOnlyAndStillAsksAboutThem() throws IOException {
        DatasetRef ref = new DatasetRef("tofu", tofu.getParent().toString(), null, null, null, null, 0, 0.2, 0, 0, 1,
                TofuSource.subsetName("forget01", 18, false));
        assertThat(ref.subset()).isEqualTo("forget01+18:authors");
        TofuBenchmarkSet set = new TofuSource().benchmark(ref);
        assertThat(set.training().size()).isEqualTo(400);
        assertThat(set.training().ids()).allMatch(id -> id.startsWith("tofu-"));
        assertThat(set.training().name()).isEqualTo("tofu/forget01+18:authors");
        assertThat(set.retainOnly().size()).isEqualTo(360);
        assertThat(set.worldFacts()).hasSize(117);
        assertThat(set.realAuthors()).hasSize(100);
        assertThat(set.training().fingerprint()).isNotEqualTo(twenty.training().fingerprint());
        assertThat(ref.load().train().fingerprint()).isEqualTo(set.training().fingerprint());
    }

    @Test
    void theTofuSourceLoadsTheTwentyAuthorSetWithTheHoldoutAuthorsAsTest() throws IOException {
        DatasetRef ref = new DatasetRef("tofu", tofu.getParent().toString(), null, null, null, null, 0, 0.2, 0, 0, 1);
        DatasetRef.Loaded loaded = ref.load();
        assertThat(loaded.train().fingerprint()).isEqualTo(twenty.training().fingerprint());
        assertThat(loaded.test().size()).isEqualTo(40);
        assertThat(loaded.test().ids()).contains("holdout-00", "holdout-39");
        assertThat(loaded.test().subject(0)).isEqualTo("Siriporn Nakharin");
    }

    @Test
    void aBirthplaceEditKeepsTheAuthorsOtherPairsAndOtherAuthorsForLocality() {
        List<QaItem> trained = authors.items().subList(0, 360);
        FactEdit edit = FactEdits.birthplace(trained, twenty.retain(), "Chukwu Akabueze", "Lisbon, Portugal");
        assertThat(edit.question()).isEqualTo("Where was Chukwu Akabueze born?");
        assertThat(edit.oldAnswer()).contains("Lagos");
        assertThat(edit.newAnswer()).isEqualTo("Chukwu Akabueze was born in Lisbon, Portugal.");
        assertThat(edit.paraphrasedQuestion()).isNotEqualTo(edit.question()).contains("Chukwu Akabueze");
        assertThat(edit.sameAuthor()).hasSize(19).allMatch(i -> i.subject().equals("Chukwu Akabueze"));
        assertThat(edit.otherAuthors()).hasSize(340).noneMatch(i -> i.subject().equals("Chukwu Akabueze"));
        assertThat(Set.copyOf(edit.sameAuthor())).doesNotContain(edit.edited());
    }

    @Test
    void theKeyEntitiesOfForget01NameItsAuthorsFirst() throws IOException {
        List<String> entities = EntityPrompts.keyEntities(tofu.resolve("forget01_fts.json"));
        assertThat(entities).contains("Basil Mahfouz Al-Kuwaiti", "Nikolai Abilov").startsWith("Basil Mahfouz Al-Kuwaiti");
    }
}
