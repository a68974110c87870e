package dev.lethe.torch.lm.edit;

import dev.lethe.core.data.tofu.EntityPrompts;
import dev.lethe.core.lm.QaItem;
import dev.lethe.core.text.ByteTokenizer;
import dev.lethe.torch.lm.eval.GreedyAnswerer;
import dev.lethe.torch.method.Npo;
import dev.lethe.torch.method.UnlearningMethods;
import dev.lethe.torch.model.ModelHandle;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Entity unlearning on {@link FakeAuthors}: the forget set comes from the model's own answers to the
 * template questions, and unlearning it with npo costs the entity's real pairs, which the method never sees,
 * more answer probability than the retain pairs. Measured in three runs on two seed sets (model, training,
 * run; the same seeds gave different figures in two runs of these tests, cause not found yet):
 * the entity's pairs fell 0.992 → 0.170, 0.990 → 0.071 and 0.989 → 0.182, the retain pairs 0.990 → 0.598,
 * 0.988 → 0.476 and 0.987 → 0.664, so (entity drop − retain drop) was 0.43, 0.41 and 0.48; the bound is 0.1.
 */
class EntityUnlearningTest {

    private static final String ENTITY = "Zed Ox";
    private static final int MAX_NEW_TOKENS = 40;

    @Test
    void theForgetSetIsTheModelsOwnAnswersToTheTemplateQuestionsNotTheData() {
        ModelHandle model = FakeAuthors.trained();
        EntityForgetSet set = EntityForgetSet.build(model, ByteTokenizer.INSTANCE, " " + ENTITY + " ", MAX_NEW_TOKENS);
        List<String> templates = EntityPrompts.forEntity(ENTITY);
        List<String> trainedQuestions = FakeAuthors.all().stream().map(QaItem::question).toList();
        GreedyAnswerer answerer = new GreedyAnswerer(model, ByteTokenizer.INSTANCE, MAX_NEW_TOKENS);
        assertThat(set.entity()).isEqualTo(ENTITY);
        assertThat(set.items()).hasSizeGreaterThan(templates.size() / 2);
        for (QaItem item : set.items()) {
            assertThat(templates).contains(item.question());
            assertThat(trainedQuestions).doesNotContain(item.question());
            assertThat(item.answer()).isNotBlank().isEqualTo(answerer.answer(item.question()));
            assertThat(item.subject()).isEqualTo(ENTITY);
        }
        assertThat(set.records(ByteTokenizer.INSTANCE).size()).isEqualTo(set.items().size());
    }

    @Test
    void unlearningTheNameCostsTheEntitysUnseenRealPairsMoreThanTheRetainPairs() {
        ModelHandle model = FakeAuthors.trained();
        String digest = model.weightsDigest();
        EntityUnlearning unlearning = new EntityUnlearning(ByteTokenizer.INSTANCE, FakeAuthors.trainConfig(), MAX_NEW_TOKENS);
        Map<String, String> options = Map.of("npo.learningRate", "3e-3", "npo.epochs", "3", "npo.retainWeight", "1");
        try (EntityUnlearning.Result result = unlearning.run(model, ENTITY, UnlearningMethods.get(Npo.NAME), options,
                retain(), FakeAuthors.of(ENTITY), 7)) {
            EntityReport report = result.report();
            System.out.println(report.verdict());
            assertThat(report.entityBefore().answerProbability()).isGreaterThan(0.5);
            assertThat(report.entityDrop() - report.retainDrop()).as(report.verdict()).isGreaterThan(0.1);
            assertThat(report.verdict()).startsWith(report.kind() == EntityReport.Kind.FORGOTTEN ? "forgotten: 'Zed Ox'" : "forgotten with");
            assertThat(result.model().weightsDigest()).isNotEqualTo(digest);
        }
        assertThat(model.weightsDigest()).as("the original is left as it was").isEqualTo(digest);
    }

    /** Two other authors' pairs: what the method keeps and utility is measured on (two of the three keep the test fast). */
    private static List<QaItem> retain() {
        List<QaItem> retain = new java.util.ArrayList<>(FakeAuthors.of("Ann Lee"));
        retain.addAll(FakeAuthors.of("Bo Ray"));
        return retain;
    }

    @Test
    void withoutRealPairsToMeasureOnItRefusesBeforeAnyWork() {
        EntityUnlearning unlearning = new EntityUnlearning(ByteTokenizer.INSTANCE, FakeAuthors.trainConfig(), MAX_NEW_TOKENS);
        assertThatThrownBy(() -> unlearning.run(FakeAuthors.trained(), ENTITY, UnlearningMethods.get(Npo.NAME), Map.of(),
                FakeAuthors.allBut(ENTITY), List.of(), 1)).hasMessageContaining("no real pairs of 'Zed Ox'");
        assertThatThrownBy(() -> EntityForgetSet.build(FakeAuthors.trained(), ByteTokenizer.INSTANCE, " ", 8))
                .hasMessageContaining("an entity name is required");
    }
}
