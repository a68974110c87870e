package dev.lethe.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A database password never comes from the command line, and no message repeats it. */
class DbPasswordOptionTest {

    @Test
    void aJdbcUrlCarryingAPasswordIsRefusedWithoutEchoingIt(@TempDir Path dir) {
        Cli r = Cli.run("serve", "--store", dir.toString(), "--db", "jdbc:postgresql://db.example/lethe?user=u&password=hunter2-secret");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("--db-password-file").contains("password=***").doesNotContain("hunter2-secret");
        assertThat(r.out()).doesNotContain("hunter2-secret");
    }

    @Test
    void thePasswordFileGivesThePassword(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pw");
        Files.writeString(file, "s3cret\n");
        LedgerDbOptions options = new LedgerDbOptions();
        options.db = "jdbc:postgresql://db.example/lethe?user=u";
        options.passwordFile = file;
        assertThat(options.target(dir).password()).isEqualTo("s3cret");
        assertThat(options.target(dir).toString()).doesNotContain("s3cret");
    }
}
