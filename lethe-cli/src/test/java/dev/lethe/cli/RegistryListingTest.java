package dev.lethe.cli;

import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.catalog.DataSource;
import dev.lethe.core.data.catalog.DataSources;
import dev.lethe.core.data.catalog.LoadedDataset;
import dev.lethe.core.registry.Registry;
import dev.lethe.torch.eval.mia.AttackSuite;
import dev.lethe.torch.eval.mia.AttackTarget;
import dev.lethe.torch.eval.mia.MembershipInferenceAttacks;
import dev.lethe.torch.eval.mia.SuiteAttack;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The commands list what the registries hold: plug-ins defined only here appear next to the built-ins. */
class RegistryListingTest {

    private static final class ToySource implements DataSource {
        @Override
        public String name() {
            return "toy-source";
        }

        @Override
        public String description() {
            return "a data source defined in the CLI's tests";
        }

        @Override
        public LoadedDataset read(DatasetRef ref) {
            throw new UnsupportedOperationException("listed only");
        }
    }

    private static final class ToyAttack implements SuiteAttack {
        @Override
        public String name() {
            return "toy-attack";
        }

        @Override
        public AttackSuite.Report run(AttackTarget target) {
            throw new UnsupportedOperationException("listed only");
        }
    }

    @Test
    void datasetsListsTheCatalogueCsvAndARegisteredSource() {
        try (Registry.Registration ignored = DataSources.register(new ToySource())) {
            Cli list = Cli.run("datasets", "list");
            assertThat(list.exitCode()).isZero();
            assertThat(list.out()).contains("digits").contains("csv").contains("toy-source").contains("a data source defined in the CLI's tests");
            Cli info = Cli.run("datasets", "info", "toy-source");
            assertThat(info.exitCode()).isZero();
            assertThat(info.out()).contains("toy-source — a data source defined in the CLI's tests");
        }
        assertThat(Cli.run("datasets", "list").out()).doesNotContain("toy-source");
    }

    @Test
    void attackHelpListsARegisteredAttack() {
        try (Registry.Registration ignored = MembershipInferenceAttacks.register(new ToyAttack())) {
            Cli help = Cli.run("attack", "--help");
            assertThat(help.exitCode()).isZero();
            assertThat(help.out()).contains("lira-offline,").contains("toy-attack (the registered attacks), or u-lira");
        }
    }
}
