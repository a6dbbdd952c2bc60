package dev.tidewater.server.cli;

import dev.tidewater.spi.TidewaterException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.completer.StringsCompleter;
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

  @Mixin CommonOptions common;

  @Mixin ConnectOptions connection;

  @Override
  public Integer call() throws Exception {
    try (Terminal terminal = TerminalBuilder.builder().system(true).build();
        StatementRunner runner = connection.open(common)) {
      LineReader reader =
          LineReaderBuilder.builder()
              .terminal(terminal)
              .completer(new StringsCompleter(KEYWORDS))
              .variable(
                  LineReader.HISTORY_FILE,
                  Path.of(System.getProperty("user.home"), ".tidewater_history"))
              .build();
      ScriptExecutor executor = new ScriptExecutor(runner, System.out, System.err, 1000);
      StringBuilder pending = new StringBuilder();
      while (true) {
        String line;
        try {
          line = reader.readLine(pending.length() == 0 ? "tidewater> " : "      ...> ");
        } catch (UserInterruptException e) {
          pending.setLength(0);
          continue;
        } catch (EndOfFileException e) {
          return 0;
        }
        pending.append(line).append('\n');
        if (line.trim().endsWith(";")) {
          executor.run("sql", pending.toString(), true);
          pending.setLength(0);
        }
      }
    } catch (TidewaterException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    }
  }
}
