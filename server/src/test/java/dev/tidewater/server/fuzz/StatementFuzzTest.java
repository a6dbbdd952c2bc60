package dev.tidewater.server.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Statements made by mutating the SQL reference's and the examples' statements, run through one
 * real server over the Flight SQL JDBC driver: each must succeed or answer a user error (a parse
 * error with its line and column, or a clear message), never an {@code INTERNAL} status, Java
 * internals, a hang or a dead server.
 *
 * <p>The run is deterministic: {@code -Dtidewater.fuzz.seed=N} and {@code
 * -Dtidewater.fuzz.statements=N} choose another one. The statements that failed are written to
 * {@code server/target/fuzz-failures.sql} in the corpus format of {@code fuzz/regressions.sql} (see
 * {@link FuzzRegressionTest}), where a fixed bug's statement is kept.
 */
class StatementFuzzTest {
  private static final long SEED = Long.getLong("tidewater.fuzz.seed", 20261207L);
  private static final int STATEMENTS = Integer.getInteger("tidewater.fuzz.statements", 10_000);

  /** Sources and contracts are made again this often, and the session's namespace is reset. */
  private static final int RESET_EVERY = 1_000;

  private static final int ALIVE_CHECK_EVERY = 250;

  @TempDir Path temp;

  @Test
  void everyFuzzedStatementSucceedsOrAnswersAUserError() throws Exception {
    Random random = new Random(SEED);
    List<String> seeds = SeedStatements.all(random);
    List<String> statements = FuzzCorpus.generate(seeds, random, STATEMENTS);
    assertThat(statements).hasSizeGreaterThanOrEqualTo(STATEMENTS);

    // Cheap statements that bring back what fuzzed ones drop or change: sources, contracts and the
    // session's namespace (tables stay as the fuzzing left them).
    List<String> resets = new ArrayList<>(List.of("USE iceberg.default"));
    seeds.stream().filter(seed -> seed.startsWith("CREATE")).forEach(resets::add);
    Map<Verdict.Kind, Integer> counts = new EnumMap<>(Verdict.Kind.class);
    List<Verdict> failures = new ArrayList<>();
    Map<String, Long> millis = new TreeMap<>();
    try (FuzzFixture fixture = new FuzzFixture(temp)) {
      for (int i = 0; i < statements.size(); i++) {
        if (i > seeds.size() && i % RESET_EVERY == 0) {
          resets.forEach(fixture::run);
        }
        long started = System.nanoTime();
        Verdict verdict = fixture.run(statements.get(i));
        Matcher word = Pattern.compile("^\\s*([A-Za-z]{1,12})\\b").matcher(statements.get(i));
        millis.merge(
            (word.find() ? word.group(1).toUpperCase() : "?") + " " + verdict.kind(),
            (System.nanoTime() - started) / 1_000_000,
            Long::sum);
        counts.merge(verdict.kind(), 1, Integer::sum);
        if (verdict.kind() == Verdict.Kind.BUG) {
          failures.add(numbered(i, verdict));
        }
        if (i % ALIVE_CHECK_EVERY == 0 || verdict.kind() == Verdict.Kind.BUG) {
          Verdict alive = fixture.alive(statements.get(i));
          if (alive.kind() == Verdict.Kind.BUG) {
            failures.add(numbered(i, alive));
            break;
          }
        }
      }
    }
    System.out.printf(
        "StatementFuzzTest: seed %d, %d statements: %s%n", SEED, statements.size(), counts);
    System.out.println("StatementFuzzTest: milliseconds by statement: " + millis);
    writeFailures(failures);
    assertThat(failures.stream().map(StatementFuzzTest::shown).toList())
        .as("statements that did not end in success or a user error (seed %d)", SEED)
        .isEmpty();
  }

  private static Verdict numbered(int index, Verdict verdict) {
    return new Verdict(verdict.statement(), verdict.kind(), "#" + index + " " + verdict.detail());
  }

  private static String shown(Verdict verdict) {
    String statement = FuzzCorpus.escape(verdict.statement());
    return verdict.detail()
        + "\n    "
        + (statement.length() > 400 ? statement.substring(0, 400) + "..." : statement);
  }

  private static void writeFailures(List<Verdict> failures) throws IOException {
    Path file = Path.of("server/target/fuzz-failures.sql");
    Files.createDirectories(file.getParent());
    Files.writeString(
        file,
        failures.stream()
            .map(
                failure ->
                    "-- "
                        + failure.detail().replaceAll("\\s+", " ")
                        + "\n"
                        + FuzzCorpus.escape(failure.statement())
                        + "\n")
            .collect(Collectors.joining()),
        StandardCharsets.UTF_8);
  }
}
