package dev.tidewater.server.cli;

import static dev.tidewater.server.cli.CommandLineRun.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tidewater run examples/operations.sql}, as a user runs it: a contract over messy JSON
 * Lines, VALIDATE with a cap on the listed violations, an incremental MERGE with DEDUP BY into a
 * format-v3 table, the quarantine with the raw text of a broken line, and the load history.
 */
class OperationsExampleTest {
  private static final String SCRIPT = "examples/operations.sql";

  @TempDir Path temp;

  @Test
  void theOperationsExampleLoadsTheGoodRowsAndExplainsTheBadOnes() {
    assertThat(Path.of(SCRIPT))
        .as("the working directory must be the repository root (see server/pom.xml)")
        .exists();

    CommandLineRun run = CommandLineRun.of("run", "--data-dir", temp.toString(), SCRIPT);

    assertThat(run.exitCode()).as(run.err()).isZero();
    // VALIDATE lists 3 of the 5 violations but counts them all; nothing is written.
    String validate = run.section(SCRIPT, "VALIDATE LOAD payments");
    assertThat(validate.lines().filter(line -> line.startsWith("| violation "))).hasSize(3);
    assertThat(validate).containsPattern(row("rows_read", ".*", ".*", ".*", ".*", ".*", "8"));
    assertThat(validate).containsPattern(row("rows_accepted", ".*", ".*", ".*", ".*", ".*", "3"));

    // 8 lines: 5 rejected, 3 accepted of which two versions of payment 1: 2 rows written.
    assertThat(run.section(SCRIPT, ": LOAD payments INTO"))
        .containsPattern(row(".*", "SUCCEEDED", "8", "2", "5", ".*", ".*"));
    // The corrected version of payment 1 (paid the next day) won DEDUP BY paid_at DESC.
    assertThat(run.section(SCRIPT, "SELECT payment_id, order_id, amount, channel"))
        .containsPattern(row("1", "1001", "26.00", "card"))
        .containsPattern(row("2", "1002", "12.00", "transfer"))
        .doesNotContain("crypto");
    String rejected = run.section(SCRIPT, "coalesce(row_json, raw_record)");
    assertThat(rejected)
        .containsPattern(row("payments.jsonl:3", "check(amount > 0)", ".*", ".*"))
        .containsPattern(
            row("payments.jsonl:5", "check(channel IN ('card', 'transfer', 'cash'))", ".*", ".*"))
        .containsPattern(row("payments.jsonl:7", "not_null(order_id)", ".*", ".*"))
        .containsPattern(row("payments.jsonl:8", "type(amount DECIMAL(12, 2))", ".*", ".*"))
        .contains("| payments.jsonl:6 | parse ", "{\"payment_id\": 5 \"order_id\": 1005}");
    assertThat(run.section(SCRIPT, "FROM system.load_errors e"))
        .containsPattern(row("parse", "1"))
        .containsPattern(row("not_null(order_id)", "1"));
    assertThat(run.section(SCRIPT, "SELECT status, rows_read"))
        .containsPattern(row("SUCCEEDED", "8", "2", "5", "2024-05-03T09:00", "payments_v1 v1"));
  }
}
