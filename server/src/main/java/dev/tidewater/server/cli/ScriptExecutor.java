package dev.tidewater.server.cli;

import dev.tidewater.planner.ExecutionResult;
import dev.tidewater.planner.load.LoadListener;
import dev.tidewater.planner.metadata.StatementRedactor;
import dev.tidewater.server.Tidewater;
import dev.tidewater.spi.SqlPosition;
import dev.tidewater.spi.TidewaterException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * Runs the statements of a script one by one: a progress bar for each LOAD, a table for each
 * result, a one-line summary for each statement, and the script's line for each error. Statement
 * text and error messages are printed with secret option values masked ({@link StatementRedactor}):
 * scripts run in CI, whose logs are widely readable.
 */
final class ScriptExecutor {
  private final StatementRunner runner;
  private final PrintStream out;
  private final PrintStream err;
  private final ResultPrinter printer;
  private final boolean progress;
  private final StatementRedactor redactor = Tidewater.redactor();

  ScriptExecutor(StatementRunner runner, PrintStream out, PrintStream err, int maxRows) {
    this(runner, out, err, new ResultPrinter(out, maxRows), System.console() != null);
  }

  /** With its own printer, and a progress bar for each LOAD when {@code progress}. */
  ScriptExecutor(
      StatementRunner runner,
      PrintStream out,
      PrintStream err,
      ResultPrinter printer,
      boolean progress) {
    this.runner = runner;
    this.out = out;
    this.err = err;
    this.printer = printer;
    this.progress = progress;
  }

  /** Runs a script; returns the number of failed statements. */
  int run(String source, String script, boolean continueOnError) {
    List<ScriptSplitter.Statement> statements = ScriptSplitter.split(script);
    int failures = 0;
    for (ScriptSplitter.Statement statement : statements) {
      if (!runOne(source, statement)) {
        failures++;
        if (!continueOnError) {
          break;
        }
      }
    }
    return failures;
  }

  /** Runs one statement; false when it failed (the error is printed). */
  boolean runOne(String source, ScriptSplitter.Statement statement) {
    String text = statement.text();
    String verb = firstWord(text);
    out.println();
    out.println("-- " + source + ":" + statement.line() + ": " + abbreviate(redactor.redact(text)));
    long start = System.nanoTime();
    LoadProgress bar = progress && verb.equals("LOAD") ? new LoadProgress("LOAD") : null;
    LoadListener listener = bar == null ? LoadListener.NONE : bar;
    try (ExecutionResult result = runner.run(text, listener)) {
      if (bar != null) {
        bar.close();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (result.hasRows()) {
        long rows = printer.print(result.rows());
        out.printf(
            Locale.ROOT, "%s: %d row%s in %.2f s%n", verb, rows, rows == 1 ? "" : "s", seconds);
      } else {
        out.printf(Locale.ROOT, "%s: OK in %.2f s%n", verb, seconds);
      }
      return true;
    } catch (TidewaterException e) {
      if (bar != null) {
        bar.close();
      }
      err.println(
          source
              + ":"
              + where(statement, e)
              + ": error: "
              + redactor.redactMessage(reason(e), text));
      return false;
    } catch (RuntimeException e) {
      if (bar != null) {
        bar.close();
      }
      err.println(
          source
              + ":"
              + statement.line()
              + ": internal error: "
              + redactor.redactMessage(e.toString(), text));
      return false;
    }
  }

  private static String where(ScriptSplitter.Statement statement, TidewaterException e) {
    if (e.position().isEmpty()) {
      return Integer.toString(statement.line());
    }
    SqlPosition position = e.position().get();
    int[] script = statement.scriptPosition(position.line(), position.column());
    return script[0] + ":" + script[1];
  }

  /** The message without the statement-relative position, which {@link #where} replaces. */
  private static String reason(TidewaterException e) {
    String message = e.getMessage();
    if (e.position().isPresent()) {
      String suffix = " (at " + e.position().get() + ")";
      if (message.endsWith(suffix)) {
        return message.substring(0, message.length() - suffix.length());
      }
    }
    return message;
  }

  /** The statement's first word, upper case (its verb). */
  static String firstWord(String text) {
    String[] words = text.trim().split("\\s+", 2);
    return words[0].toUpperCase(Locale.ROOT);
  }

  private static String abbreviate(String text) {
    String single = text.replaceAll("\\s+", " ").trim();
    return single.length() <= 100 ? single : single.substring(0, 97) + "...";
  }
}
