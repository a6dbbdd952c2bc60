package dev.tidewater.server.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The statements that once found a bug (server/src/test/resources/fuzz/regressions.sql, in the
 * format of {@link FuzzCorpus}), run in order through one real server after the examples'
 * statements: each must succeed or answer a user error, and the server must answer after each.
 * {@code -Dtidewater.fuzz.corpus=file} runs another corpus file, e.g. a fuzz run's failures.
 */
class FuzzRegressionTest {
  private static final Path CORPUS =
      Path.of(
          System.getProperty(
              "tidewater.fuzz.corpus", "server/src/test/resources/fuzz/regressions.sql"));

  @TempDir Path temp;

  @Test
  void everyStatementThatFoundABugNowSucceedsOrAnswersAUserError() throws Exception {
    List<String> statements = FuzzCorpus.read(CORPUS);
    assertThat(statements).isNotEmpty();
    List<String> failures = new ArrayList<>();
    try (FuzzFixture fixture = new FuzzFixture(temp)) {
      SeedStatements.examples().forEach(fixture::run);
      for (String statement : statements) {
        for (Verdict verdict : List.of(fixture.run(statement), fixture.alive(statement))) {
          if (verdict.kind() == Verdict.Kind.BUG) {
            failures.add(verdict.detail() + "\n    " + FuzzCorpus.escape(statement));
          }
        }
      }
    }
    assertThat(failures).isEmpty();
  }
}
