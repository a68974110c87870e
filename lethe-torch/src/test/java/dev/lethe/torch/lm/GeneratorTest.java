package dev.lethe.torch.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.task.TinyLanguageModel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GeneratorTest {

    private static final int[] PROMPT = {81, 117, 101, 115, 116, 105, 111, 110, 58, 32};

    @Test
    void greedyDecodingWithTheCacheGivesTheTokensOfFullForwardPasses() {
        try (ModelHandle model = GptFamilyTest.tiny(5)) {
            GenerationConfig greedy = GenerationConfig.greedy(24, -1);
            int[] cached = Generator.generate(model, PROMPT, greedy);
            int[] uncached = Generator.generate(model, PROMPT, greedy.withCache(false));
            assertThat(cached).hasSize(24).containsExactly(uncached);
            // and each greedy token is the argmax of a full forward pass over what came before it
            int[] sequence = java.util.Arrays.copyOf(PROMPT, PROMPT.length + 1);
            sequence[PROMPT.length] = cached[0];
            try (NDManager m = model.manager().newSubManager()) {
                long[] ids = java.util.Arrays.stream(PROMPT).asLongStream().toArray();
                NDArray logits = model.forward(m.create(ids, new Shape(1, ids.length)), false).get(new NDIndex("0, -1"));
                assertThat(logits.argMax().getLong()).isEqualTo(cached[0]);
            }
        }
    }

    @Test
    void sampledDecodingWithTheCacheMatchesTheUncachedPathAndFollowsTheSeed() {
        try (ModelHandle model = GptFamilyTest.tiny(6)) {
            GenerationConfig sampled = new GenerationConfig(16, 1.5f, 20, 7L, -1, true);
            int[] cached = Generator.generate(model, PROMPT, sampled);
            assertThat(Generator.generate(model, PROMPT, sampled.withCache(false))).containsExactly(cached);
            assertThat(Generator.generate(model, PROMPT, sampled)).containsExactly(cached);
            int[] otherSeed = Generator.generate(model, PROMPT, new GenerationConfig(16, 1.5f, 20, 8L, -1, true));
            assertThat(otherSeed).isNotEqualTo(cached);
            // top-1 sampling is greedy decoding
            assertThat(Generator.generate(model, PROMPT, new GenerationConfig(16, 1.5f, 1, 7L, -1, true)))
                    .containsExactly(Generator.generate(model, PROMPT, GenerationConfig.greedy(16, -1)));
        }
    }

    @Test
    void generationStopsAtTheStopTokenAndAtTheContext() {
        try (ModelHandle model = GptFamilyTest.tiny(5)) {
            int[] free = Generator.generate(model, PROMPT, GenerationConfig.greedy(20, -1));
            int[] stopped = Generator.generate(model, PROMPT, GenerationConfig.greedy(20, free[3]));
            int firstStop = 0;
            while (free[firstStop] != free[3]) {
                firstStop++;
            }
            assertThat(stopped).containsExactly(java.util.Arrays.copyOf(free, firstStop));
            int[] longPrompt = new int[60];
            assertThat(Generator.generate(model, longPrompt, GenerationConfig.greedy(20, -1))).hasSize(4);
            assertThat(Generator.generate(model, longPrompt, GenerationConfig.greedy(20, -1).withCache(false))).hasSize(4);
        }
    }

    @Test
    void aPromptWithoutRoomForOneTokenOrWithForeignIdsIsRefused() {
        try (ModelHandle model = GptFamilyTest.tiny(5)) {
            assertThatThrownBy(() -> Generator.generate(model, new int[64], GenerationConfig.greedy(5, -1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("the prompt is 64 tokens").hasMessageContaining("context of 64 tokens");
            assertThatThrownBy(() -> Generator.generate(model, new int[]{1, 256}, GenerationConfig.greedy(5, -1)))
                    .hasMessageContaining("outside the model's vocabulary 0..255");
            assertThatThrownBy(() -> Generator.generate(model, new int[0], GenerationConfig.greedy(5, -1)))
                    .hasMessageContaining("the prompt is empty");
        }
    }

    @Test
    void anyLanguageModelFamilyGeneratesThroughFullForwardPasses() {
        try (ModelHandle model = TinyLanguageModel.create(16, 8, 3)) {
            int[] tokens = Generator.generate(model, new int[]{1, 2, 3}, GenerationConfig.greedy(12, -1));
            assertThat(tokens).hasSize(12);
            assertThat(java.util.Arrays.stream(tokens).allMatch(t -> t >= 0 && t < 16)).isTrue();
            assertThat(Generator.generate(model, new int[]{1, 2, 3}, GenerationConfig.greedy(12, -1).withCache(false))).containsExactly(tokens);
        }
    }
}
