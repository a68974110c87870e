package dev.lethe.core.registry;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RegistryTest {

    private final Registry<String> registry = new Registry<>("colour", "colours", s -> s, List.of("red", "green"));

    @Test
    void aRegisteredEntryIsListedAfterTheBuiltInsAndGoneOnceItsRegistrationCloses() {
        // Given two built-ins / When a third is registered
        try (Registry.Registration blue = registry.register("blue")) {
            // Then it is found and listed last
            assertThat(registry.names()).containsExactly("red", "green", "blue");
            assertThat(registry.get("blue")).isEqualTo("blue");
        }
        // And after the registration closes it is gone again
        assertThat(registry.names()).containsExactly("red", "green");
        assertThatThrownBy(() -> registry.get("blue")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anUnknownNameListsTheValidOnesAndATakenNameIsRefused() {
        assertThatThrownBy(() -> registry.get("blu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown colour 'blu'; colours: red, green");
        assertThatThrownBy(() -> registry.register("red")).isInstanceOf(IllegalStateException.class)
                .hasMessage("two colours are called red");
        assertThat(registry.names()).containsExactly("red", "green");
    }
}
