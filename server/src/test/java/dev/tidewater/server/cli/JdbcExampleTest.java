package dev.tidewater.server.cli;

import static dev.tidewater.server.cli.CommandLineRun.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tidewater run examples/jdbc.sql}, as a user runs it, over the SQLite database the example
 * ships: built here again from examples/data/shop.sql (so the shipped file and its source agree),
 * browsed, queried, and loaded incrementally twice.
 */
class JdbcExampleTest {
  private static final String SCRIPT = "examples/jdbc.sql";
  private static final String DATABASE = "examples/data/shop.db";

  @TempDir Path temp;

  @Test
  void theJdbcExampleLoadsEachOrderOnce() throws Exception {
    assertThat(Path.of(SCRIPT))
        .as("the working directory must be the repository root (see server/pom.xml)")
        .exists();
    assertThat(Path.of(DATABASE)).exists();
    Path database = temp.resolve("shop.db");
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
        Statement statement = connection.createStatement()) {
      String sql = Files.readString(Path.of("examples/data/shop.sql"));
      for (String each : sql.replaceAll("(?m)^--.*$", "").split(";")) {
        if (!each.isBlank()) {
          statement.execute(each);
        }
      }
    }
    Path script = temp.resolve("jdbc.sql");
    Files.writeString(
        script, Files.readString(Path.of(SCRIPT)).replace(DATABASE, database.toString()));

    CommandLineRun run =
        CommandLineRun.of("run", "--data-dir", temp.resolve("data").toString(), script.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    String name = script.toString();
    assertThat(run.section(name, "SHOW TABLES IN shop"))
        .containsPattern(row("shop", "", "customers"))
        .containsPattern(row("shop", "", "orders"));
    assertThat(run.section(name, "DESCRIBE SOURCE shop.orders"))
        .containsPattern(row("id", "BIGINT", ".*"))
        .containsPattern(row("amount", "DOUBLE", ".*"));
    assertThat(run.section(name, "FROM shop.orders WHERE status = 'paid'"))
        .containsPattern(row("1", "12.5", "paid"))
        .containsPattern(row("5", "15.0", "paid"))
        .doesNotContain("new");
    assertThat(run.section(name, "EXPLAIN LOAD shop.orders"))
        .contains("SELECT \"id\", \"customer_id\", \"amount\", \"status\", \"updated_at\"")
        .contains("FROM \"orders\"");
    assertThat(run.section(name, ": LOAD shop.orders INTO iceberg.sales.orders"))
        .containsPattern(row(".*", "SUCCEEDED", "6", "6", "0", ".*", ".*"));
    assertThat(run.section(name, "SELECT status, count(*) AS orders"))
        .containsPattern(row("new", "2", "100.0"))
        .containsPattern(row("paid", "3", "34.75"));
    assertThat(run.section(name, ": LOAD shop.orders INTO sales.orders"))
        .containsPattern(row(".*", "SUCCEEDED", "0", "0", "0", ".*", ".*"));
    assertThat(run.section(name, "GROUP BY country"))
        .containsPattern(row("US", "2"))
        .containsPattern(row("FI", "1"));
    assertThat(run.section(name, "FROM system.loads"))
        .containsPattern(row("shop", "6", "6", "2024-06-04 16:20:00"));
  }
}
