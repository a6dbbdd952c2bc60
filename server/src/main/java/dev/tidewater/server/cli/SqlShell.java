package dev.tidewater.server.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Set;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.UserInterruptException;

/**
 * The read-run loop of {@code tidewater sql}: lines are gathered until a statement ends with {@code
 * ;} (outside quotes and comments), then run as a script; {@code \q} (or end of input) quits,
 * {@code \?} lists the commands. After a statement that may change names, completion reads them
 * again.
 */
final class SqlShell {
  static final String PROMPT = "tidewater> ";
  static final String CONTINUATION = "      ...> ";

  private static final Set<String> CHANGES_NAMES =
      Set.of("CREATE", "DROP", "LOAD", "ALTER", "USE", "SET");

  private final LineReader reader;
  private final ScriptExecutor executor;
  private final NameCompleter names;
  private final PrintStream out;

  SqlShell(LineReader reader, ScriptExecutor executor, NameCompleter names, PrintStream out) {
    this.reader = reader;
    this.executor = executor;
    this.names = names;
    this.out = out;
  }

  /** Reads and runs until the user quits; returns the number of statements that failed. */
  int run() {
    out.println("Tidewater SQL shell. End statements with ';'. \\? for help, \\q to quit.");
    StringBuilder pending = new StringBuilder();
    int failures = 0;
    while (true) {
      String line;
      try {
        line = reader.readLine(pending.length() == 0 ? PROMPT : CONTINUATION);
      } catch (UserInterruptException e) {
        pending.setLength(0);
        continue;
      } catch (EndOfFileException e) {
        return failures;
      }
      if (pending.length() == 0 && line.trim().startsWith("\\")) {
        if (!command(line.trim())) {
          return failures;
        }
        continue;
      }
      pending.append(line).append('\n');
      String script = pending.toString();
      if (ScriptSplitter.endsWithTerminator(script)) {
        pending.setLength(0);
        for (ScriptSplitter.Statement statement : ScriptSplitter.split(script)) {
          if (!executor.runOne("sql", statement)) {
            failures++;
          }
          if (CHANGES_NAMES.contains(ScriptExecutor.firstWord(statement.text()))) {
            names.invalidate();
          }
        }
      }
    }
  }

  /** Runs a backslash command; false to quit. */
  private boolean command(String command) {
    switch (command) {
      case "\\q", "\\quit" -> {
        return false;
      }
      case "\\?", "\\help" -> {
        out.println("\\q          quit (or Ctrl-D)");
        out.println("\\names      list the names completion offers (Tab completes)");
        out.println("\\?          this help");
        out.println("Each statement prints its row count and time; Ctrl-C drops a half-typed one.");
      }
      case "\\names" -> {
        names.invalidate();
        List<String> known = names.names();
        known.forEach(out::println);
        out.printf("(%d names)%n", known.size());
      }
      default -> out.println("unknown command " + command + " (\\? lists them)");
    }
    return true;
  }
}
