package dev.tidewater.server;

import static dev.tidewater.server.JdbcRows.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Write-audit-publish over the Flight SQL JDBC driver: the branch keeps its own cursor across two
 * incremental loads, main neither sees its rows nor moves its cursor until PUBLISH, and the faults
 * (a load at a branch of a missing table, publishing a missing or diverged branch) are clear errors
 * that change nothing.
 */
class WriteAuditPublishEndToEndTest {
  @TempDir Path temp;

  @Test
  void aBranchCarriesItsOwnCursorAndPublishesAtomically() throws Exception {
    Path events = temp.resolve("events.csv");
    write(events, 1, 10);
    try (TidewaterServerFixture server = new TidewaterServerFixture(temp.resolve("data"));
        Connection connection = server.connect();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE SOURCE events TYPE FILES WITH (location = '" + events + "', format = 'csv')");
      String load = "LOAD events INTO lake_ns.events WITH DISPOSITION APPEND INCREMENTAL ON seq";

      // A load at a branch of a table that does not exist yet: an error, nothing created.
      assertThatThrownBy(() -> statement.execute(load + " AT BRANCH 'audit'"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("AT BRANCH 'audit': table iceberg.lake_ns.events does not exist");

      statement.execute(load);
      write(events, 1, 15);
      statement.execute(load + " AT BRANCH 'audit'");
      write(events, 1, 20);
      // The second load at the branch continues from the branch's cursor (15), not main's (10).
      List<List<Object>> second = rows(statement.executeQuery(load + " AT BRANCH 'audit'"));
      // (a file source reads every row; the cursor keeps the 5 past it)
      assertThat(List.of(second.get(0).get(1), second.get(0).get(3)))
          .containsExactly("SUCCEEDED", 5L);

      assertThat(count(statement, "SELECT count(*) FROM lake_ns.events")).isEqualTo(10);
      assertThat(count(statement, "SELECT count(*) FROM lake_ns.events FOR VERSION AS OF 'audit'"))
          .isEqualTo(20);
      assertThat(rows(statement.executeQuery("SHOW BRANCHES OF lake_ns.events")))
          .extracting(row -> row.get(0), row -> row.get(2), row -> row.get(3))
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("audit", "events=20", 2L),
              org.assertj.core.groups.Tuple.tuple("main", "events=10", 0L));

      assertThat(
              rows(
                  statement.executeQuery(
                      "SELECT coalesce(branch, 'main'), count(*) FROM system.loads"
                          + " WHERE status = 'SUCCEEDED' GROUP BY branch ORDER BY 1")))
          .containsExactly(List.of("audit", 2L), List.of("main", 1L));

      // Publishing a branch that does not exist: named, with the branches there are.
      assertThatThrownBy(() -> statement.execute("PUBLISH BRANCH 'nope' OF lake_ns.events"))
          .hasMessageContaining("table iceberg.lake_ns.events has no branch 'nope'")
          .hasMessageContaining("branches: audit, main");

      statement.execute("PUBLISH BRANCH 'audit' OF lake_ns.events");
      assertThat(count(statement, "SELECT count(*) FROM lake_ns.events")).isEqualTo(20);
      // main's cursor is now the branch's: a load on main takes only what is new.
      write(events, 1, 22);
      List<List<Object>> onMain = rows(statement.executeQuery(load));
      assertThat(List.of(onMain.get(0).get(1), onMain.get(0).get(3)))
          .containsExactly("SUCCEEDED", 2L);

      // The branch is now behind main, which moved: publishing it again would lose main's load.
      write(events, 1, 25);
      statement.execute(load + " AT BRANCH 'audit'"); // the branch forks at 20, main is at 22
      assertThatThrownBy(() -> statement.execute("PUBLISH BRANCH 'audit' OF lake_ns.events"))
          .hasMessageContaining("main of iceberg.lake_ns.events moved since branch 'audit'")
          .hasMessageContaining("mode = 'cherry-pick'");
      assertThat(count(statement, "SELECT count(*) FROM lake_ns.events")).isEqualTo(22);

      // Cherry-pick replays the branch's append (rows 21-25) onto main.
      statement.execute("PUBLISH BRANCH 'audit' OF lake_ns.events WITH (mode = 'cherry-pick')");
      assertThat(count(statement, "SELECT count(*) FROM lake_ns.events")).isEqualTo(27);

      statement.execute("DROP BRANCH 'audit' OF lake_ns.events");
      assertThat(rows(statement.executeQuery("SHOW BRANCHES OF lake_ns.events")))
          .extracting(row -> row.get(0))
          .containsExactly("main");
      assertThatThrownBy(() -> statement.execute("DROP BRANCH 'audit' OF lake_ns.events"))
          .hasMessageContaining("has no branch 'audit'");
    }
  }

  private static long count(Statement statement, String sql) throws SQLException {
    return (Long) rows(statement.executeQuery(sql)).get(0).get(0);
  }

  private static void write(Path file, int from, int to) throws Exception {
    StringBuilder csv = new StringBuilder("seq,label\n");
    for (int seq = from; seq <= to; seq++) {
      csv.append(seq).append(",event ").append(seq).append('\n');
    }
    Files.writeString(file, csv);
  }
}
