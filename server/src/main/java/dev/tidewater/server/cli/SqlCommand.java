package dev.tidewater.server.cli;

import dev.tidewater.spi.TidewaterException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code tidewater sql}: an interactive shell with history and keyword completion. */
@Command(name = "sql", description = "An interactive SQL shell.")
final class SqlCommand implements Callable<Integer> {
  private static final List<String> KEYWORDS =
      List.of(
          "SELECT",
          "FROM",
          "WHERE",
          "GROUP BY",
          "ORDER BY",
          "LIMIT",
          "CREATE",
          "SOURCE",
          "NAMESPACE",
          "TYPE",
          "WITH",
          "LOAD",
          "INTO",
          "DISPOSITION",
          "APPEND",
          "REPLACE",
          "MERGE",
          "PARTITIONED BY",
          "EXPLAIN",
          "SHOW",
          "SOURCES",
          "CATALOGS",
          "NAMESPACES",
          "TABLES",
          "LOADS",
          "DESCRIBE",
          "DROP",
          "TABLE",
          "FILES");

  /** The keywords completion offers. */
  static List<String> keywords() {
    return KEYWORDS;
  }

  @Mixin CommonOptions common;

  @Mixin ConnectOptions connection;

  @Override
  public Integer call() throws Exception {
    try (Terminal terminal = TerminalBuilder.builder().system(true).build();
        StatementRunner runner = connection.open(common)) {
      shell(terminal, runner).run();
      return 0;
    } catch (TidewaterException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    }
  }

  /**
   * The shell on a terminal: history in {@code ~/.tidewater_history}, completion of keywords and
   * names, results wider than the terminal printed one record per block.
   */
  static SqlShell shell(Terminal terminal, StatementRunner runner) {
    NameCompleter names = new NameCompleter(runner, KEYWORDS);
    // SQL is typed as is: no backslash escapes (\q is a command) and no history expansion (!=).
    DefaultParser parser = new DefaultParser();
    parser.setEscapeChars(new char[0]);
    LineReader reader =
        LineReaderBuilder.builder()
            .terminal(terminal)
            .parser(parser)
            .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
            .completer(names)
            .variable(
                LineReader.HISTORY_FILE,
                Path.of(System.getProperty("user.home"), ".tidewater_history"))
            .build();
    PrintStream out = new PrintStream(terminal.output(), true, StandardCharsets.UTF_8);
    int width = terminal.getWidth() > 0 ? terminal.getWidth() : Integer.MAX_VALUE;
    ScriptExecutor executor =
        new ScriptExecutor(runner, out, out, new ResultPrinter(out, 1000, width), false);
    return new SqlShell(reader, executor, names, out);
  }
}
