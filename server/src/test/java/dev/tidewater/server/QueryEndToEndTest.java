package dev.tidewater.server;

import static dev.tidewater.server.JdbcRows.labels;
import static dev.tidewater.server.JdbcRows.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.planner.query.ScanMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Queries over Iceberg tables through the Flight SQL JDBC driver: time travel to a snapshot, a
 * time, a branch or a tag, and filters pushed into the Iceberg scan so that it skips data files.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryEndToEndTest {
  private static final DateTimeFormatter SQL_TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

  private Path temp;
  private TidewaterServerFixture server;

  @BeforeAll
  void start(@TempDir Path dir) {
    temp = dir;
    server = new TidewaterServerFixture(temp.resolve("data"));
  }

  @AfterAll
  void stop() throws Exception {
    server.close();
  }

  @Test
  void readsATableAsOfASnapshotATimeABranchOrATag() throws Exception {
    Path items = temp.resolve("items.csv");
    try (Connection connection = server.connect();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE SOURCE items TYPE FILES WITH (location = '" + items + "')");
      Files.writeString(items, "id,name\n1,apple\n2,pear\n3,plum\n");
      long first =
          snapshotOf(statement, "LOAD items INTO iceberg.tt.items WITH DISPOSITION APPEND");
      Files.writeString(items, "id,name\n4,fig\n5,kiwi\n");
      long second =
          snapshotOf(statement, "LOAD items INTO iceberg.tt.items WITH DISPOSITION APPEND");
      // A third load adds a column: older snapshots keep the schema they had.
      Files.writeString(items, "id,name,origin\n6,lime,MX\n");
      snapshotOf(statement, "LOAD items INTO iceberg.tt.items WITH DISPOSITION APPEND");

      Table table = table("tt", "items");
      table.manageSnapshots().createTag("before-figs", first).commit();
      table.manageSnapshots().createBranch("audit", second).commit();

      assertThat(rows(statement.executeQuery("SELECT count(*) FROM tt.items")))
          .containsExactly(List.of(6L));
      assertThat(
              rows(
                  statement.executeQuery(
                      "SELECT id, name FROM tt.items FOR VERSION AS OF " + first + " ORDER BY id")))
          .containsExactly(List.of(1L, "apple"), List.of(2L, "pear"), List.of(3L, "plum"));
      assertThat(
              rows(
                  statement.executeQuery(
                      "SELECT count(*) FROM iceberg.tt.items FOR VERSION AS OF 'before-figs'")))
          .containsExactly(List.of(3L));
      assertThat(
              rows(
                  statement.executeQuery(
                      "SELECT count(*) FROM tt.items FOR VERSION AS OF 'audit'")))
          .containsExactly(List.of(5L));
      assertThat(
              rows(
                  statement.executeQuery("SELECT count(*) FROM tt.items FOR VERSION AS OF 'main'")))
          .containsExactly(List.of(6L));

      // The snapshot current at a time: exactly at the first commit, and just before the second.
      String firstCommit = SQL_TIMESTAMP.format(Instant.ofEpochMilli(committedAt(table, first)));
      String beforeSecond =
          SQL_TIMESTAMP.format(Instant.ofEpochMilli(committedAt(table, second) - 1));
      assertThat(
              rows(
                  statement.executeQuery(
                      "SELECT count(*) FROM tt.items FOR TIMESTAMP AS OF TIMESTAMP '"
                          + firstCommit
                          + "'")))
          .containsExactly(List.of(3L));
      assertThat(
              rows(
                  statement.executeQuery(
                      "SELECT count(*) FROM tt.items FOR TIMESTAMP AS OF '" + beforeSecond + "'")))
          .containsExactly(List.of(3L));

      // An old snapshot has the old schema; the current one has the added column.
      assertThat(labels(statement.executeQuery("SELECT * FROM tt.items FOR VERSION AS OF 'audit'")))
          .containsExactly("id", "name");
      assertThat(labels(statement.executeQuery("SELECT * FROM tt.items")))
          .containsExactly("id", "name", "origin");

      // The table keeps its name as alias; an explicit alias wins; old and new join.
      assertThat(
              rows(
                  statement.executeQuery(
                      "SELECT items.name FROM tt.items FOR VERSION AS OF 'before-figs'"
                          + " WHERE items.id = 2")))
          .containsExactly(List.of("pear"));
      assertThat(
              rows(
                  statement.executeQuery(
                      "SELECT cur.id FROM tt.items cur\n"
                          + "  LEFT JOIN tt.items FOR VERSION AS OF 'before-figs' AS past\n"
                          + "    ON cur.id = past.id\n"
                          + "WHERE past.id IS NULL ORDER BY cur.id")))
          .containsExactly(List.of(4L), List.of(5L), List.of(6L));

      // A prepared statement resolves time travel when it is prepared.
      try (PreparedStatement prepared =
          connection.prepareStatement("SELECT max(id) FROM tt.items FOR VERSION AS OF " + second)) {
        assertThat(rows(prepared.executeQuery())).containsExactly(List.of(5L));
      }
    }
  }

  @Test
  void timeTravelErrorsNameTheClause() throws Exception {
    Path fruit = temp.resolve("fruit.csv");
    Files.writeString(fruit, "id,name\n1,apple\n");
    try (Connection connection = server.connect();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE SOURCE fruit TYPE FILES WITH (location = '" + fruit + "')");
      statement.executeQuery("LOAD fruit INTO iceberg.tt.fruit WITH DISPOSITION APPEND").close();

      assertThatThrownBy(
              () -> statement.executeQuery("SELECT * FROM tt.fruit FOR VERSION AS OF 42"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("table iceberg.tt.fruit has no snapshot 42 (at line 1, column 42)");
      assertThatThrownBy(
              () -> statement.executeQuery("SELECT * FROM tt.fruit FOR VERSION AS OF 'nope'"))
          .hasMessageContaining(
              "table iceberg.tt.fruit has no branch or tag 'nope' (it has: main)"
                  + " (at line 1, column 42)");
      assertThatThrownBy(
              () ->
                  statement.executeQuery(
                      "SELECT * FROM tt.fruit FOR TIMESTAMP AS OF TIMESTAMP '2001-01-01 00:00:00'"))
          .hasMessageContaining(
              "table iceberg.tt.fruit has no snapshot at or before 2001-01-01T00:00:00Z")
          .hasMessageContaining("its first snapshot was committed at")
          .hasMessageContaining("(at line 1, column 44)");
      assertThatThrownBy(
              () -> statement.executeQuery("SELECT * FROM tt.fruit FOR TIMESTAMP AS OF 'soon'"))
          .hasMessageContaining("cannot read 'soon' as a timestamp")
          .hasMessageContaining("(at line 1, column 44)");
      assertThatThrownBy(() -> statement.executeQuery("SELECT * FROM fruit FOR VERSION AS OF 1"))
          .hasMessageContaining(
              "time travel needs an Iceberg table, and there is no table iceberg.default.fruit")
          .hasMessageContaining("(at line 1, column 15)");
      // Errors after the clause keep the position the user wrote, on its line and the next.
      assertThatThrownBy(
              () ->
                  statement.executeQuery(
                      "SELECT id FROM tt.fruit FOR VERSION AS OF 'main' WHERE colour = 'red'"))
          .hasMessageContaining("Column 'colour' not found in any table (at line 1, column 56)");
      assertThatThrownBy(
              () ->
                  statement.executeQuery(
                      "SELECT id\nFROM tt.fruit FOR VERSION AS OF 'main'\nWHERE  colour = 'red'"))
          .hasMessageContaining("Column 'colour' not found in any table (at line 3, column 8)");
    }
  }

  @Test
  void filtersPruneDataFilesInTheIcebergScan() throws Exception {
    Path events = temp.resolve("events.csv");
    try (Connection connection = server.connect();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE SOURCE events TYPE FILES WITH (location = '" + events + "')");
      // Three appends: three data files with disjoint id ranges.
      String[] names = {"a", "b", "c", "d", "e", "f", "g", "h", "i"};
      for (int file = 0; file < 3; file++) {
        StringBuilder csv = new StringBuilder("id,name\n");
        for (int id = file * 3 + 1; id <= file * 3 + 3; id++) {
          csv.append(id).append(',').append(names[id - 1]).append('\n');
        }
        Files.writeString(events, csv);
        statement
            .executeQuery("LOAD events INTO iceberg.scan.events WITH DISPOSITION APPEND")
            .close();
      }

      String plan =
          rows(statement.executeQuery("EXPLAIN PLAN FOR SELECT name FROM scan.events WHERE id = 5"))
              .get(0)
              .get(0)
              .toString();
      assertThat(plan).contains("BindableTableScan").contains("filters=[[=($0, 5)]]");

      assertThat(scanning("SELECT name FROM scan.events WHERE id = 5", statement))
          .isEqualTo(new Scanned(List.of(List.of("e")), 1, 2));
      assertThat(
              scanning(
                  "SELECT name FROM scan.events WHERE id >= 4 AND id < 7 ORDER BY name", statement))
          .isEqualTo(new Scanned(List.of(List.of("d"), List.of("e"), List.of("f")), 1, 2));
      assertThat(
              scanning(
                  "SELECT name FROM scan.events WHERE id = 1 OR id = 9 ORDER BY name", statement))
          .isEqualTo(new Scanned(List.of(List.of("a"), List.of("i")), 2, 1));
      assertThat(scanning("SELECT count(*) FROM scan.events WHERE id > 100", statement))
          .isEqualTo(new Scanned(List.of(List.of(0L)), 0, 3));
      // What the scan cannot filter is filtered by the query: every file is read.
      assertThat(scanning("SELECT id FROM scan.events WHERE name LIKE 'h%'", statement))
          .isEqualTo(new Scanned(List.of(List.of(8L)), 3, 0));
    }
  }

  /** A query's rows and the data files its one Iceberg scan kept and skipped. */
  private record Scanned(List<List<Object>> rows, long dataFiles, long skippedDataFiles) {}

  private Scanned scanning(String sql, Statement statement)
      throws SQLException, InterruptedException {
    ScanMetrics metrics = server.tidewater().engine().scanMetrics();
    int before = metrics.recent().size();
    List<List<Object>> rows = rows(statement.executeQuery(sql));
    // Iceberg reports a scan when it is closed, which the server does just after the last batch.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (metrics.recent().size() == before && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    List<ScanMetrics.Scan> scans = metrics.recent();
    List<ScanMetrics.Scan> added = scans.subList(Math.min(before, scans.size()), scans.size());
    assertThat(added).as("scans of %s", sql).hasSize(1);
    ScanMetrics.Scan scan = added.get(0);
    assertThat(scan.table()).endsWith("scan.events");
    return new Scanned(rows, scan.dataFiles(), scan.skippedDataFiles());
  }

  private static long snapshotOf(Statement statement, String load) throws SQLException {
    List<List<Object>> result = rows(statement.executeQuery(load));
    assertThat(result.get(0).get(1)).isEqualTo("SUCCEEDED");
    return (Long) result.get(0).get(5);
  }

  private static long committedAt(Table table, long snapshotId) {
    return table.snapshot(snapshotId).timestampMillis();
  }

  private Table table(String namespace, String name) throws IOException {
    return server
        .tidewater()
        .engine()
        .catalogs()
        .catalog("iceberg")
        .loadTable(TableIdentifier.of(namespace, name));
  }
}
