package dev.tidewater.server.cli;

import static dev.tidewater.server.cli.CommandLineRun.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tidewater run examples/audit-publish.sql}: an incremental MERGE at branch 'audit' that
 * main's readers do not see, read with FOR VERSION AS OF, published by fast-forward, then dropped.
 */
class AuditPublishExampleTest {
  private static final String SCRIPT = "examples/audit-publish.sql";

  @TempDir Path temp;

  @Test
  void theAuditBranchIsInvisibleUntilPublished() {
    CommandLineRun run = CommandLineRun.of("run", "--data-dir", temp.toString(), SCRIPT);

    assertThat(run.exitCode()).as(run.err()).isZero();
    // orders.csv: 20 orders; orders_update.csv: 5 rows, 2 updates (1003 paid, 1018 void), 3 new.
    assertThat(run.section(SCRIPT, "SELECT count(*) AS main_rows")).containsPattern(row("20"));
    assertThat(run.section(SCRIPT, "SELECT count(*) AS audit_rows"))
        .containsPattern(row("23", ".*"));
    assertThat(run.section(SCRIPT, "25: SHOW BRANCHES OF wap.orders"))
        .containsPattern(
            row(
                "audit",
                ".*",
                "audit_orders=2024-03-04T10:51:55Z, audit_updates=2024-03-04T16:40:02Z",
                "1",
                ".*"))
        .containsPattern(row("main", ".*", "audit_orders=2024-03-04T10:51:55Z", "0", ".*"));
    assertThat(run.section(SCRIPT, "SELECT count(*) AS published_rows")).containsPattern(row("23"));
    assertThat(run.section(SCRIPT, "WHERE order_id IN (1003, 1018, 1023)"))
        .containsPattern(row("1003", "paid"))
        .containsPattern(row("1018", "void"))
        .containsPattern(row("1023", "new"));
    assertThat(run.section(SCRIPT, "DROP BRANCH")).doesNotContain("error");
    assertThat(run.section(SCRIPT, "34: SHOW BRANCHES OF wap.orders"))
        .containsPattern(row("main", ".*", ".*", "0", ".*"))
        .doesNotContain("| audit ");
  }
}
