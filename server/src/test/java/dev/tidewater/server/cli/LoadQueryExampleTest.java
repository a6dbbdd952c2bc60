package dev.tidewater.server.cli;

import static dev.tidewater.server.cli.CommandLineRun.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tidewater run examples/load-query.sql}: a join of a CSV source and an Iceberg table loaded
 * by MERGE with a cursor, EXPLAIN showing the query, and the table copied into another.
 */
class LoadQueryExampleTest {
  private static final String SCRIPT = "examples/load-query.sql";

  @TempDir Path temp;

  @Test
  void loadsAQueryAndATable() {
    CommandLineRun run = CommandLineRun.of("run", "--data-dir", temp.toString(), SCRIPT);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.section(SCRIPT, "10: EXPLAIN LOAD"))
        .contains("Extract: QUERY source '(query)', 1 split(s)")
        .contains("INNER JOIN \"crm\".\"customers\"");
    // orders.csv: 20 orders of 10 customers, every one in customers.jsonl
    assertThat(run.section(SCRIPT, "SELECT count(*) AS enriched_orders"))
        .containsPattern(row("20", "10"));
    assertThat(run.section(SCRIPT, "SELECT order_id, name, amount"))
        .containsPattern(row("1001", "Ada Lovelace", "49.90"));
    assertThat(run.section(SCRIPT, "SELECT count(*) AS archived_orders"))
        .containsPattern(row("20"));
  }
}
