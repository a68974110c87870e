package dev.lethe.torch.runtime;

import ai.djl.ndarray.NDArray;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import java.nio.Buffer;
import java.util.List;
import java.util.Set;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * No Lethe class (main or test) hands libtorch memory that only a closed Java object kept alive: it calls neither DJL's
 * array-and-number operations that keep the number for the backward pass (use {@link Scalars}) nor
 * {@code NDArray.set(Buffer)} and the {@code set(float[])} family, which re-point an array, and every other handle on
 * its tensor (a parameter's gradient, say), at a Java buffer (use {@code ParameterValues.assign} or an indexed put).
 * Read from the compiled classes, so a new call site fails here before it can corrupt a gradient after some garbage
 * collection.
 */
class ScalarArithmeticRuleTest {

    /** DJL's operations with a Number operand whose backward pass reads that operand (or, for clip, its bounds). */
    private static final Set<String> KEEPS_ITS_OPERAND = Set.of("mul", "muli", "div", "divi", "pow", "powi", "maximum", "minimum",
            "rdiv", "rdivi", "rpow", "rpowi", "clip");

    /** The rule for every class but Scalars and its test (which compares it with DJL's overloads, forward only). */
    private static final ArchRule RULE = noClasses().that().doNotHaveFullyQualifiedName(Scalars.class.getName())
            .and().doNotHaveFullyQualifiedName(ScalarsTest.class.getName())
            .should().callMethodWhere(new DescribedPredicate<JavaMethodCall>(
                    "an NDArray operation with a Number that the backward pass reads, or NDArray.set(Buffer or Java array)") {
                @Override
                public boolean test(JavaMethodCall call) {
                    var target = call.getTarget();
                    if (!target.getOwner().isAssignableTo(NDArray.class)) {
                        return false;
                    }
                    List<JavaClass> parameters = target.getRawParameterTypes();
                    if (KEEPS_ITS_OPERAND.contains(target.getName())) {
                        return parameters.stream().anyMatch(p -> p.isEquivalentTo(Number.class));
                    }
                    return target.getName().equals("set") && parameters.size() == 1
                            && (parameters.get(0).isArray() || parameters.get(0).isAssignableTo(Buffer.class));
                }
            })
            .because("DJL wraps the number (or the values) in a Java direct buffer that libtorch does not own: after the next"
                    + " garbage collection the backward pass reads freed memory (see Scalars)");

    @Test
    void noLetheClassMakesTheCallsThatLeaveLibtorchReadingFreedMemory() {
        JavaClasses lethe = new ClassFileImporter().importPackages("dev.lethe").that(DescribedPredicate.not(
                JavaClass.Predicates.belongToAnyOf(Offender.class)));
        assertThat(lethe.size()).as("classes read").isGreaterThan(300);
        RULE.check(lethe);
    }

    @Test
    void theRuleFindsEachKindOfCall() {
        JavaClasses offender = new ClassFileImporter().importClasses(Offender.class);
        String report = RULE.evaluate(offender).getFailureReport().toString();
        assertThat(report).contains("NDArray.mul(java.lang.Number)", "NDArray.maximum(java.lang.Number)", "NDArray.set([F)",
                "NDArray.set(java.nio.Buffer)").doesNotContain("NDArray.add(java.lang.Number)");
    }

    /** Each forbidden call, and one allowed one (add's backward reads neither operand). */
    @SuppressWarnings("unused")
    private static final class Offender {
        static void calls(NDArray x) {
            x.mul(2f);
            x.maximum(0f);
            x.set(new float[]{1f});
            x.set(java.nio.FloatBuffer.wrap(new float[]{1f}));
            x.add(1f);
        }
    }
}
