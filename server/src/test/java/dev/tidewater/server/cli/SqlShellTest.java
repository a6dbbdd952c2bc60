package dev.tidewater.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tidewater.server.Tidewater;
import dev.tidewater.server.TidewaterConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jline.reader.Candidate;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tidewater sql} driven through a jline terminal whose keyboard is the test: multi-line
 * statements, a semicolon inside a string, an error that does not end the session, results wider
 * than the terminal printed one record per block, {@code \q}; and the completion of names the
 * server knows, read again after a statement that creates one.
 */
class SqlShellTest {
  @TempDir Path temp;

  @Test
  void runsMultiLineStatementsAndKeepsGoingAfterAnError() throws Exception {
    Path csv = temp.resolve("fruit.csv");
    Files.writeString(csv, "name,kg\napple,3\npear,5\n");
    String typed =
        "CREATE SOURCE fruit TYPE FILES\n"
            + "  WITH (location = '"
            + csv
            + "');\n"
            + "LOAD fruit INTO farm.fruit\n"
            + "  WITH DISPOSITION APPEND;\n"
            + "SELECT * FROM farm.nothing;\n"
            + "SELECT 'a;b' AS semi,\n"
            + "  sum(kg) AS total FROM farm.fruit;\n"
            + "SELECT name, 'a rather long text that does not fit in forty columns' AS wide"
            + " FROM farm.fruit WHERE kg = 3;\n"
            + "\\q\n"
            + "SELECT 'never run';\n";
    String screen;
    try (Tidewater tidewater = start();
        InProcessRunner runner = new InProcessRunner(tidewater)) {
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      int failures;
      try (Terminal terminal = terminal(typed, output)) {
        failures = SqlCommand.shell(terminal, runner).run();
      }
      screen = output.toString(StandardCharsets.UTF_8);
      assertThat(failures).as(screen).isEqualTo(1);
    }
    assertThat(screen)
        .contains("CREATE: OK", "LOAD: 1 row")
        .contains("sql:1:15: error: Object 'nothing' not found")
        .containsPattern("\\| a;b +\\| 8 +\\|")
        .contains("-[ RECORD 1 ]", "wide | a rather long text that does not fit in forty columns")
        .doesNotContain("never run");
  }

  @Test
  void completesTheNamesTheServerKnowsAndRereadsThemAfterACreate() throws Exception {
    Path csv = temp.resolve("fruit.csv");
    Files.writeString(csv, "name,kg\napple,3\n");
    try (Tidewater tidewater = start();
        InProcessRunner runner = new InProcessRunner(tidewater)) {
      String typed =
          "CREATE SOURCE fruit TYPE FILES WITH (location = '"
              + csv
              + "');\n"
              + "LOAD fruit INTO farm.fruit WITH DISPOSITION APPEND;\n";
      NameCompleter names;
      try (Terminal terminal = terminal(typed, new ByteArrayOutputStream())) {
        SqlShell shell = SqlCommand.shell(terminal, runner);
        names = new NameCompleter(runner, List.of("SELECT", "FROM"));
        assertThat(names.names()).doesNotContain("fruit", "iceberg.farm.fruit");
        shell.run();
      }
      // The shell's own completer was invalidated by the CREATE and LOAD; a fresh one sees both.
      assertThat(candidates(runner, "SELECT * FROM "))
          .contains("iceberg", "iceberg.farm", "iceberg.farm.fruit", "farm.fruit", "fruit")
          .contains("SELECT", "FROM");
      assertThat(candidates(runner, "select * from ice")).contains("select", "iceberg.farm");
      assertThat(names.names()).doesNotContain("fruit");
      names.invalidate();
      assertThat(names.names()).contains("fruit", "iceberg.farm.fruit");
    }
  }

  private static List<String> candidates(InProcessRunner runner, String typed) throws Exception {
    NameCompleter completer = new NameCompleter(runner, SqlCommand.keywords());
    List<Candidate> candidates = new ArrayList<>();
    try (Terminal terminal = terminal("", new ByteArrayOutputStream())) {
      completer.complete(
          LineReaderBuilder.builder().terminal(terminal).build(),
          new DefaultParser().parse(typed, typed.length()),
          candidates);
    }
    return candidates.stream().map(Candidate::value).toList();
  }

  private static Terminal terminal(String typed, ByteArrayOutputStream output) throws Exception {
    DumbTerminal terminal =
        new DumbTerminal(
            "test",
            "dumb",
            new ByteArrayInputStream(typed.getBytes(StandardCharsets.UTF_8)),
            output,
            StandardCharsets.UTF_8);
    terminal.setSize(new org.jline.terminal.Size(40, 24));
    return terminal;
  }

  private Tidewater start() {
    return Tidewater.start(
        TidewaterConfig.defaults().withDataDir(temp.resolve("data")),
        Map.<String, String>of()::get);
  }
}
