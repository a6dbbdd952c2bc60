package dev.tidewater.server.cli;

import dev.tidewater.planner.ExecutionResult;
import dev.tidewater.planner.load.LoadListener;
import dev.tidewater.planner.metadata.StatementRedactor;
import dev.tidewater.server.Tidewater;
import dev.tidewater.spi.SqlPosition;
import dev.tidewater.spi.TidewaterException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs the statements of a script one by one: a progress bar for each LOAD, a table for each
 * result, a one-line summary for each statement, the script's line for each error, and a summary
 * table at the end of a script. Statement text and error messages are printed with secret option
 * values masked ({@link StatementRedactor}): scripts run in CI, whose logs are widely readable.
 */
final class ScriptExecutor {
  private final StatementRunner runner;
  private final PrintStream out;
  private final PrintStream err;
  private final ResultWriter printer;
  private final boolean progress;
  private final StatementRedactor redactor = Tidewater.redactor();

  /** The summary rows of the script that runs; null outside {@link #run} (the shell). */
  private List<String[]> summary;

  /** Set by {@link #interrupt()}: the script runs no further statement. */
  private volatile boolean interrupted;

  /**
   * With its own result writer, and a progress bar for each LOAD when {@code progress}; {@code out}
   * takes everything but the results and the errors.
   */
  ScriptExecutor(
      StatementRunner runner,
      PrintStream out,
      PrintStream err,
      ResultWriter printer,
      boolean progress) {
    this.runner = runner;
    this.out = out;
    this.err = err;
    this.printer = printer;
    this.progress = progress;
  }

  /**
   * Stops the script from another thread (Ctrl-C): cancels the running statement, and no later
   * statement runs, whatever {@code --continue-on-error} says.
   */
  void interrupt() {
    interrupted = true;
    runner.cancel();
  }

  boolean interrupted() {
    return interrupted;
  }

  /** Runs a script; returns the number of failed statements. */
  int run(String source, String script, boolean continueOnError) {
    List<ScriptSplitter.Statement> statements = ScriptSplitter.split(script);
    summary = new ArrayList<>();
    int failures = 0;
    int next = 0;
    while (next < statements.size() && !interrupted) {
      ScriptSplitter.Statement statement = statements.get(next++);
      if (!runOne(source, statement)) {
        failures++;
        if (!continueOnError) {
          break;
        }
      }
    }
    for (ScriptSplitter.Statement skipped : statements.subList(next, statements.size())) {
      summary.add(
          new String[] {
            source + ":" + skipped.line(), firstWord(skipped.text()), "SKIPPED", "", ""
          });
    }
    if (!summary.isEmpty()) {
      out.println();
      ResultPrinter.printTable(
          out, new String[] {"statement", "verb", "status", "rows", "seconds"}, summary);
    }
    summary = null;
    return failures;
  }

  private void record(
      String source, ScriptSplitter.Statement statement, String status, String rows, long start) {
    if (summary == null) {
      return;
    }
    summary.add(
        new String[] {
          source + ":" + statement.line(),
          firstWord(statement.text()),
          status,
          rows,
          String.format(Locale.ROOT, "%.2f", (System.nanoTime() - start) / 1e9)
        });
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
        seconds = (System.nanoTime() - start) / 1e9;
        out.printf(
            Locale.ROOT, "%s: %d row%s in %.2f s%n", verb, rows, rows == 1 ? "" : "s", seconds);
        record(source, statement, "OK", Long.toString(rows), start);
      } else {
        out.printf(Locale.ROOT, "%s: OK in %.2f s%n", verb, seconds);
        record(source, statement, "OK", "", start);
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
      record(source, statement, interrupted ? "CANCELLED" : "FAILED", "", start);
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
      record(source, statement, "FAILED", "", start);
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
