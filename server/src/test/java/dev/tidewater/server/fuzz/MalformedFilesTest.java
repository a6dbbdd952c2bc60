package dev.tidewater.server.fuzz;

import static dev.tidewater.server.fuzz.MalformedFiles.accepted;
import static dev.tidewater.server.fuzz.MalformedFiles.checkedIn;
import static dev.tidewater.server.fuzz.MalformedFiles.rejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tidewater.server.TidewaterServerFixture;
import dev.tidewater.server.fuzz.MalformedFiles.Accepted;
import dev.tidewater.server.fuzz.MalformedFiles.Case;
import dev.tidewater.server.fuzz.MalformedFiles.Rejected;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed input files, each loaded through the Flight SQL JDBC driver into a new table and into
 * an existing one: a rejected file answers a user error naming the file (and its line where there
 * is one) and commits nothing — the new table does not exist, the existing one keeps its one
 * snapshot; an accepted file commits one snapshot with the documented rows (docs/loads.md,
 * "Malformed input").
 */
class MalformedFilesTest {
  @TempDir Path temp;

  /** The checked-in cases, server/src/test/resources/malformed, and what a load of each does. */
  private static List<Case> checkedInCases() {
    return List.of(
        checkedIn("ragged-more-fields.csv", "", rejected(":3")),
        checkedIn("ragged-fewer-fields.csv", "", rejected(":3")),
        checkedIn("ragged-first-row.csv", "", rejected(":2")),
        checkedIn("stray-quote-in-field.csv", "", accepted(2)),
        checkedIn("text-after-closing-quote.csv", "", rejected(":2")),
        checkedIn(
            "unterminated-quote.csv", "", rejected(":2", "quote opened on line 2 is never closed")),
        checkedIn(
            "unterminated-quote-last-line.csv",
            "",
            rejected(":3", "quote opened on line 3 is never closed")),
        checkedIn(
            "unterminated-quote-after-multiline-value.csv",
            "",
            rejected(":3", "quote opened on line 3 is never closed", "starting on line 2")),
        checkedIn("quote-in-header.csv", "", rejected(":1")),
        checkedIn("only-a-quote.csv", "", rejected(":1", "quote opened on line 1 is never closed")),
        checkedIn("utf8-bom.csv", "", accepted(2)),
        checkedIn("utf16-bom.csv", "", rejected()),
        checkedIn("mixed-line-endings.csv", "", accepted(4)),
        checkedIn("invalid-utf8.csv", "", rejected()),
        checkedIn("invalid-utf8-header.csv", "", rejected()),
        checkedIn("overlong-utf8.csv", "", rejected()),
        checkedIn("nul-bytes.csv", "", accepted(2)),
        checkedIn("empty.csv", "", rejected("no columns")),
        checkedIn("header-only.csv", "", accepted(0)),
        checkedIn("header-only-no-newline.csv", "", accepted(0)),
        checkedIn("blank-lines.csv", "", accepted(2)),
        checkedIn("whitespace-only.csv", "", accepted(1)),
        checkedIn("newline-only.csv", "", rejected("no columns")),
        checkedIn("duplicate-header.csv", "", accepted(1)),
        checkedIn("empty-header-names.csv", "", accepted(1)),
        checkedIn("huge-integer.csv", "", accepted(1)),
        checkedIn("bad-value-late.csv", ", sample_rows = 2", rejected(":4", "qty")),
        checkedIn("trailing-binary-garbage.csv", "", rejected()),
        checkedIn("semicolon-delimited.csv", "", accepted(2)),
        checkedIn("invalid-utf8.jsonl", "", rejected(":2")),
        checkedIn("invalid-utf8.json", "", rejected()),
        checkedIn("invalid-utf8-key.jsonl", "", rejected(":1")),
        checkedIn("trailing-garbage.json", "", rejected()),
        checkedIn("trailing-garbage.jsonl", "", rejected(":3")),
        checkedIn("truncated.json", "", rejected()),
        checkedIn("truncated-last-line.jsonl", "", rejected(":2")),
        checkedIn("not-objects.jsonl", "", rejected(":2")),
        checkedIn("empty.json", "", rejected("no columns")),
        checkedIn("empty.jsonl", "", rejected("no columns")),
        checkedIn("null-document.json", "", rejected("no columns")),
        checkedIn("number-document.json", "", rejected()),
        checkedIn("empty-array.json", "", rejected("no columns")),
        checkedIn("utf8-bom.jsonl", "", accepted(2)),
        checkedIn("nul-bytes.jsonl", "", rejected(":2")),
        checkedIn("lone-surrogate-escape.jsonl", "", accepted(1)),
        checkedIn("huge-exponent.jsonl", "", accepted(1)),
        checkedIn("duplicate-keys.jsonl", "", accepted(1)),
        checkedIn("mixed-line-endings.jsonl", "", accepted(3)),
        checkedIn("unterminated-string.jsonl", "", rejected(":1")));
  }

  @Test
  void everyMalformedFileIsRejectedNamingItOrLoadedAsDocumented() throws Exception {
    List<Case> cases = new ArrayList<>(checkedInCases());
    cases.addAll(MalformedFiles.generated());
    assertThat(cases).hasSizeGreaterThanOrEqualTo(50);
    try (Stream<Path> files = Files.list(MalformedFiles.CHECKED_IN)) {
      assertThat(files.map(file -> file.getFileName().toString()))
          .as("every checked-in file has a case")
          .containsExactlyInAnyOrderElementsOf(checkedInCases().stream().map(Case::name).toList());
    }

    List<String> mismatches = new ArrayList<>();
    try (TidewaterServerFixture server = new TidewaterServerFixture(temp.resolve("server"));
        Connection connection = server.connect();
        Statement statement = connection.createStatement()) {
      Path good = Files.writeString(temp.resolve("good.csv"), "id,name\n1,a\n2,b\n");
      statement.execute("CREATE SOURCE good TYPE FILES WITH (location = '" + good + "')");
      statement.executeQuery("LOAD good INTO malformed.existing WITH DISPOSITION APPEND").close();
      Catalog catalog = server.tidewater().engine().catalogs().catalog("iceberg");

      for (int i = 0; i < cases.size(); i++) {
        Case malformed = cases.get(i);
        Path file = Files.createDirectories(temp.resolve("files/" + i)).resolve(malformed.name());
        Files.write(file, malformed.content());
        String target = "case_" + i;
        String outcome = load(statement, i, file, malformed.options(), target);
        String problem =
            malformed.expectation() instanceof Rejected rejected
                ? checkRejected(malformed, rejected, outcome, catalog, target)
                : checkAccepted(
                    (Accepted) malformed.expectation(), outcome, catalog, target, statement);
        if (malformed.expectation() instanceof Rejected && problem == null) {
          // The same file into an existing table: also nothing committed there.
          String again = loadInto(statement, "m_" + i, "malformed.existing");
          if (!again.startsWith("error ")) {
            problem = "loaded into the existing table: " + again;
          }
        }
        if (problem != null) {
          mismatches.add(malformed.name() + ": " + problem);
        }
      }
      Table existing = catalog.loadTable(TableIdentifier.of("malformed", "existing"));
      assertThat(existing.snapshots()).hasSize(1);
      assertThat(JdbcCount.of(statement, "SELECT count(*) FROM malformed.existing")).isEqualTo(2);
      try (ResultSet alive = statement.executeQuery("SELECT 1")) {
        assertThat(alive.next()).isTrue();
      }
    }
    assertThat(mismatches).isEmpty();
  }

  /** CREATE SOURCE and LOAD; answers {@code rows N} or {@code error <verdict>}. */
  private static String load(Statement statement, int i, Path file, String options, String target) {
    String source = "m_" + i;
    try {
      statement.execute(
          "CREATE SOURCE "
              + source
              + " TYPE FILES WITH (location = '"
              + file
              + "'"
              + options
              + ")");
    } catch (SQLException e) {
      return "error " + Verdict.of("CREATE SOURCE", e).kind() + " " + Verdict.of("", e).detail();
    }
    return loadInto(statement, source, "malformed." + target);
  }

  private static String loadInto(Statement statement, String source, String table) {
    try (ResultSet result =
        statement.executeQuery("LOAD " + source + " INTO " + table + " WITH DISPOSITION APPEND")) {
      result.next();
      return "rows " + result.getLong("rows_written");
    } catch (SQLException e) {
      Verdict verdict = Verdict.of("LOAD", e);
      return "error " + verdict.kind() + " " + verdict.detail();
    }
  }

  private static String checkRejected(
      Case malformed, Rejected rejected, String outcome, Catalog catalog, String target) {
    if (!outcome.startsWith("error USER_ERROR INVALID_ARGUMENT: ")) {
      return "expected a user error, got " + outcome;
    }
    if (!outcome.contains(malformed.name())) {
      return "the error does not name the file: " + outcome;
    }
    for (String fragment : rejected.fragments()) {
      if (!outcome.contains(malformed.name() + fragment) && !outcome.contains(fragment)) {
        return "the error lacks '" + fragment + "': " + outcome;
      }
    }
    if (catalog.tableExists(TableIdentifier.of("malformed", target))) {
      return "a failed load created its table: " + outcome;
    }
    return null;
  }

  private static String checkAccepted(
      Accepted accepted, String outcome, Catalog catalog, String target, Statement statement)
      throws SQLException {
    if (!outcome.equals("rows " + accepted.rows())) {
      return "expected rows " + accepted.rows() + ", got " + outcome;
    }
    Table table = catalog.loadTable(TableIdentifier.of("malformed", target));
    long snapshots =
        java.util.stream.StreamSupport.stream(table.snapshots().spliterator(), false).count();
    long rows = JdbcCount.of(statement, "SELECT count(*) FROM malformed." + target);
    if (rows != accepted.rows() || snapshots != 1) {
      return "the table holds " + rows + " rows (" + snapshots + " snapshots)";
    }
    return null;
  }

  /** One count from a query. */
  private static final class JdbcCount {
    static long of(Statement statement, String query) throws SQLException {
      try (ResultSet result = statement.executeQuery(query)) {
        result.next();
        return result.getLong(1);
      }
    }
  }
}
