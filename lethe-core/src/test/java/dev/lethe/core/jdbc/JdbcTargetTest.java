package dev.lethe.core.jdbc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JdbcTargetTest {

    @Test
    void everyFormOfPasswordInAJdbcUrlIsMasked() {
        assertThat(JdbcTarget.redact("jdbc:postgresql://db:5432/lethe?user=u&password=s3cr%26t&ssl=true"))
                .isEqualTo("jdbc:postgresql://db:5432/lethe?user=u&password=***&ssl=true");
        assertThat(JdbcTarget.redact("jdbc:postgresql://u:s3cret@db/lethe")).isEqualTo("jdbc:postgresql://u:***@db/lethe");
        assertThat(JdbcTarget.redact("jdbc:sqlserver://db;user=u;Password=s3cret;db=x")).isEqualTo("jdbc:sqlserver://db;user=u;Password=***;db=x");
        assertThat(JdbcTarget.redact("cannot reach jdbc:postgresql://db/x?PWD=abc: refused")).doesNotContain("abc");
        assertThat(JdbcTarget.hasPassword("jdbc:postgresql://db/lethe?user=u")).isFalse();
        assertThat(JdbcTarget.hasPassword("jdbc:postgresql://db/lethe?user=u&password=x")).isTrue();
        assertThat(new JdbcTarget("jdbc:postgresql://db/x", "u", "s3cret").toString()).doesNotContain("s3cret");
    }
}
