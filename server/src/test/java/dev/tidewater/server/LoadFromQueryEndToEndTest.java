package dev.tidewater.server;

import static dev.tidewater.server.JdbcRows.column;
import static dev.tidewater.server.JdbcRows.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code LOAD (SELECT ...) INTO ...} and {@code LOAD catalog.ns.table INTO ...} through the Flight
 * SQL JDBC driver: a join of a CSV source with an Iceberg table appended and merged incrementally
 * (each row once), an Iceberg table copied into another and loaded from incrementally, and a bad
 * query that commits nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoadFromQueryEndToEndTest {
  private Path temp;
  private TidewaterServerFixture server;
  private Connection connection;
  private Statement statement;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    temp = dir;
    server = new TidewaterServerFixture(temp.resolve("data"));
    connection = server.connect();
    statement = connection.createStatement();
    Path customers = temp.resolve("customers.csv");
    Files.writeString(customers, "id,name,country\n1,Ada,UK\n2,Linus,FI\n3,Grace,US\n");
    statement.execute("CREATE SOURCE customers TYPE FILES WITH (location = '" + customers + "')");
    statement.execute("LOAD customers INTO iceberg.crm.customers WITH DISPOSITION REPLACE");
  }

  @AfterAll
  void stop() throws Exception {
    try (Connection open = connection;
        Statement running = statement) {
      running.getWarnings();
    } finally {
      server.close();
    }
  }

  @Test
  void loadsAJoinOfASourceAndATableIncrementally() throws Exception {
    Path orders = temp.resolve("orders.csv");
    Files.writeString(
        orders,
        "id,customer_id,amount,updated_at\n"
            + "10,1,5.50,2026-01-01 10:00:00\n"
            + "11,2,7.25,2026-01-01 11:00:00\n"
            + "12,9,1.00,2026-01-01 12:00:00\n");
    statement.execute("CREATE SOURCE orders TYPE FILES WITH (location = '" + orders + "')");
    String load =
        "LOAD (SELECT o.id, o.amount, o.updated_at, c.name, c.country"
            + " FROM orders o JOIN crm.customers c ON o.customer_id = c.id)"
            + " INTO iceberg.sales.enriched WITH DISPOSITION MERGE ON (id)"
            + " INCREMENTAL ON updated_at";
    List<List<Object>> first = rows(statement.executeQuery(load));
    assertThat(first.get(0).get(1)).isEqualTo("SUCCEEDED");
    assertThat(rows(statement.executeQuery("SELECT id, name FROM sales.enriched ORDER BY id")))
        .containsExactly(List.of(10L, "Ada"), List.of(11L, "Linus"));

    // New and changed orders: only rows past the cursor are taken, each once.
    Files.writeString(
        orders,
        "id,customer_id,amount,updated_at\n"
            + "10,1,5.50,2026-01-01 10:00:00\n"
            + "11,3,9.00,2026-01-02 09:00:00\n"
            + "13,2,3.00,2026-01-02 10:00:00\n");
    List<String> plan = column(statement.executeQuery("EXPLAIN " + load), "plan");
    assertThat(String.join("\n", plan))
        .contains("query: SELECT * FROM (SELECT")
        .contains("\"q\".\"updated_at\" >= TIMESTAMP '2026-01-01 11:00:00.000'");
    statement.execute(load);
    statement.execute(load);
    assertThat(
            rows(
                statement.executeQuery(
                    "SELECT id, name, country, amount FROM sales.enriched ORDER BY id")))
        .containsExactly(
            List.of(10L, "Ada", "UK", new java.math.BigDecimal("5.50")),
            List.of(11L, "Grace", "US", new java.math.BigDecimal("9.00")),
            List.of(13L, "Linus", "FI", new java.math.BigDecimal("3.00")));
    assertThat(
            rows(
                statement.executeQuery(
                    "SELECT source, rows_written FROM system.loads"
                        + " WHERE target = 'iceberg.sales.enriched' ORDER BY started_at")))
        .containsExactly(List.of("(query)", 2L), List.of("(query)", 2L), List.of("(query)", 0L));
  }

  @Test
  void loadsAnIcebergTableIntoAnother() throws Exception {
    statement.execute(
        "LOAD iceberg.crm.customers INTO iceberg.copy.customers WITH DISPOSITION APPEND");
    assertThat(rows(statement.executeQuery("SELECT count(*) FROM copy.customers")))
        .containsExactly(List.of(3L));
    // Incrementally: the next load takes only the ids past the cursor.
    String incremental =
        "LOAD crm.customers INTO iceberg.copy.by_id WITH DISPOSITION APPEND INCREMENTAL ON id";
    statement.execute(incremental);
    Path more = temp.resolve("more.csv");
    Files.writeString(more, "id,name,country\n4,Edsger,NL\n");
    statement.execute("CREATE SOURCE more TYPE FILES WITH (location = '" + more + "')");
    statement.execute("LOAD more INTO iceberg.crm.customers WITH DISPOSITION APPEND");
    List<List<Object>> second = rows(statement.executeQuery(incremental));
    assertThat(second.get(0).get(1)).isEqualTo("SUCCEEDED");
    assertThat(rows(statement.executeQuery("SELECT id FROM copy.by_id ORDER BY id")))
        .containsExactly(List.of(1L), List.of(2L), List.of(3L), List.of(4L));
    assertThat(
            rows(
                statement.executeQuery(
                    "SELECT source FROM system.loads WHERE target = 'iceberg.copy.by_id'")))
        .containsOnly(List.of("iceberg.crm.customers"));
  }

  @Test
  void aBadQueryCommitsNothing() throws Exception {
    assertThatThrownBy(
            () ->
                statement.executeQuery(
                    "LOAD (SELECT id, missing_column FROM crm.customers)"
                        + " INTO iceberg.bad.t WITH DISPOSITION APPEND"))
        .hasMessageContaining("missing_column");
    assertThatThrownBy(
            () ->
                statement.executeQuery(
                    "LOAD nowhere.ns.t INTO iceberg.bad.t WITH DISPOSITION APPEND"))
        .hasMessageContaining("unknown source 'nowhere'");
    assertThat(
            server
                .tidewater()
                .engine()
                .catalogs()
                .catalog("iceberg")
                .tableExists(TableIdentifier.of("bad", "t")))
        .isFalse();
    // the server keeps serving
    assertThat(rows(statement.executeQuery("SELECT count(*) FROM crm.customers"))).isNotEmpty();
  }
}
