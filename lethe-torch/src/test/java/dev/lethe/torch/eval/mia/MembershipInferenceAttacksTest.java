package dev.lethe.torch.eval.mia;

import dev.lethe.core.data.RecordSet;
import dev.lethe.core.mia.AttackResult;
import dev.lethe.core.registry.Registry;
import dev.lethe.torch.Digits;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.ModelSpec;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The attack registry lists the built-ins in their order, and an attack defined only here plugs in and runs through the suite. */
class MembershipInferenceAttacksTest {

    /** A toy attack that knows the answer: every member scores 1, every non-member 0. */
    private static final class OracleAttack implements SuiteAttack {
        @Override
        public String name() {
            return "oracle";
        }

        @Override
        public AttackSuite.Report run(AttackTarget target) {
            double[] members = new double[target.members().size()];
            Arrays.fill(members, 1);
            return new AttackSuite.Report(name(), AttackResult.of(name(), members, new double[target.test().size()]), null, null, null);
        }
    }

    @Test
    void theBuiltInAttacksAreListedInTheirOrder() {
        assertThat(MembershipInferenceAttacks.names()).containsExactly("loss", "confidence", "entropy", "modified-entropy", "learned",
                "shadow", "lira-online", "lira-offline");
    }

    @Test
    void anAttackDefinedOutsideTheRegistryIsListedAndRunsThroughTheSuite() {
        RecordSet train = Digits.split().train();
        RecordSet test = Digits.split().test();
        try (ModelHandle model = ModelHandle.create(ModelSpec.parse("logreg", new int[]{64}, 10), 3)) {
            // Given the oracle registered from test code
            try (Registry.Registration ignored = MembershipInferenceAttacks.register(new OracleAttack())) {
                // When the suite runs it by id
                AttackSuite.Report report = AttackSuite.run("oracle", model, train, test, null, null, null, null, 1);
                // Then it is listed after the built-ins and its result is what it computed
                assertThat(MembershipInferenceAttacks.names()).endsWith("lira-offline", "oracle");
                assertThat(report.result().auc()).isEqualTo(1.0);
                assertThat(report.result().members()).isEqualTo(train.size());
            }
            // And once its registration is closed it is unknown again
            assertThatThrownBy(() -> AttackSuite.run("oracle", model, train, test, null, null, null, null, 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("unknown attack 'oracle'; attacks: loss, confidence, entropy, modified-entropy, learned, shadow, lira-online, lira-offline");
        }
    }
}
