package dev.lethe.core.lm.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KolmogorovSmirnovTest {

    @Test
    void matchesScipyOnSeededSamplesWithTiesAndUnequalSizes() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/lm-metrics/ks_scipy_cases.json")) {
            JsonNode cases = new ObjectMapper().readTree(in).get("cases");
            assertThat(cases).hasSize(4);
            for (JsonNode c : cases) {
                KolmogorovSmirnov.Result r = KolmogorovSmirnov.twoSample(doubles(c.get("a")), doubles(c.get("b")));
                assertThat(r.statistic()).isCloseTo(c.get("statistic").asDouble(), org.assertj.core.data.Offset.offset(1e-12));
                double want = c.get("pvalue").asDouble();
                assertThat(Math.abs(r.pValue() - want)).as("p %s vs scipy %s", r.pValue(), want).isLessThanOrEqualTo(1e-9 * want);
            }
        }
    }

    @Test
    void isSymmetricInItsSamples() {
        double[] a = {0.1, 0.4, 0.4, 0.9, 1.3};
        double[] b = {0.3, 0.5, 0.8, 1.7, 2.2, 2.9};
        assertThat(KolmogorovSmirnov.pValue(a, b)).isEqualTo(KolmogorovSmirnov.pValue(b, a));
    }

    @Test
    void refusesEmptyAndNanSamplesWithAMessage() {
        assertThatThrownBy(() -> KolmogorovSmirnov.pValue(new double[0], new double[]{1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> KolmogorovSmirnov.pValue(new double[]{Double.NaN}, new double[]{1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
    }

    private static double[] doubles(JsonNode array) {
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asDouble();
        }
        return values;
    }
}
