package dev.tidewater.server.cli;

import static dev.tidewater.server.cli.CommandLineRun.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tidewater run examples/parquet.sql}, as a user runs it: Parquet files written by DuckDB
 * whose schemas differ, loaded incrementally twice; the second load skips every file by its
 * statistics.
 */
class ParquetExampleTest {
  private static final String SCRIPT = "examples/parquet.sql";

  @TempDir Path temp;

  @Test
  void theParquetExampleLoadsEachShipmentOnce() {
    assertThat(Path.of(SCRIPT))
        .as("the working directory must be the repository root (see server/pom.xml)")
        .exists();

    CommandLineRun run =
        CommandLineRun.of("run", "--data-dir", temp.resolve("data").toString(), SCRIPT);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.section(SCRIPT, "DESCRIBE SOURCE shipments"))
        .containsPattern(row("destination", "ROW(city VARCHAR, zip VARCHAR)", ".*", ".*"))
        .containsPattern(row("weight_kg", "DECIMAL(12, 2)", ".*", ".*"))
        .containsPattern(row("service", "VARCHAR", ".*", ".*"));
    assertThat(run.section(SCRIPT, ": LOAD shipments INTO iceberg.logistics.shipments"))
        .containsPattern(row(".*", "SUCCEEDED", "10", "10", "0", ".*", ".*"));
    assertThat(run.section(SCRIPT, "SELECT shipment_id, destination"))
        .containsPattern(
            row("1", "{\"city\":\"Lima\",\"zip\":\"00037\"}", "1.25", "[\"pallet\"]", "NULL"))
        .containsPattern(row("10", ".*", "12.50", "[\"box\"]", "express"));
    assertThat(run.section(SCRIPT, "EXPLAIN LOAD shipments"))
        .contains("0 split(s)")
        .contains(
            "Parquet statistics on the cursor column: skip 2 of 2 file(s) and 2 of 2 row group(s)");
    assertThat(run.section(SCRIPT, "FROM system.loads"))
        .containsPattern(row("SUCCEEDED", "10", "10", "2024-06-01T18:00:00Z"))
        .containsPattern(row("SUCCEEDED", "0", "0", "2024-06-01T18:00:00Z"));
  }
}
