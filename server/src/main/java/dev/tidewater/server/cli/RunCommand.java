package dev.tidewater.server.cli;

import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/** {@code tidewater run script.sql}: runs a script, in this process or on a server. */
@Command(
    name = "run",
    description = "Runs the statements of a SQL script; exits non-zero when one fails.")
final class RunCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Mixin ConnectOptions connection;

  @Option(
      names = "--continue-on-error",
      description = "Run the remaining statements after one fails.")
  boolean continueOnError;

  @Option(
      names = "--max-rows",
      defaultValue = "1000",
      description = "Rows to print per result in table output.")
  int maxRows;

  @Option(
      names = "--output",
      defaultValue = "table",
      converter = OutputFormatConverter.class,
      description =
          "Result format: table (default), csv or json (JSON Lines). With csv and json, standard"
              + " output carries every result row and nothing else; the rest goes to standard"
              + " error.")
  OutputFormat output;

  @Option(
      names = "--progress",
      defaultValue = "auto",
      converter = ProgressConverter.class,
      description =
          "A progress bar for each LOAD, on standard error: auto (default: on a terminal, with"
              + " table output), always or never.")
  Progress progress;

  @Parameters(paramLabel = "SCRIPT", description = "The .sql file to run.")
  Path script;

  @Override
  public Integer call() {
    String text;
    try {
      text = Files.readString(script);
    } catch (IOException e) {
      System.err.println("error: cannot read " + script + ": " + e.getMessage());
      return 2;
    }
    try (StatementRunner runner = connection.open(common)) {
      PrintStream notes = output.machineReadable() ? System.err : System.out;
      ScriptExecutor executor =
          new ScriptExecutor(
              runner,
              notes,
              System.err,
              output.writer(System.out, maxRows),
              progress.shown(output));
      int failures;
      try (Interrupts interrupts = Interrupts.install(executor::interrupt)) {
        failures = executor.run(script.toString(), text, continueOnError);
        if (interrupts.interrupted()) {
          System.err.println(
              "interrupted: the script stopped; the cancelled statement committed"
                  + " nothing unless its commit had started");
          return interrupts.exitCode();
        }
      }
      if (failures > 0) {
        System.err.printf("%d statement(s) failed%n", failures);
        return 1;
      }
      return 0;
    } catch (TidewaterException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    }
  }

  /** When LOADs draw a progress bar. */
  enum Progress {
    AUTO,
    ALWAYS,
    NEVER;

    /** AUTO: on a terminal, unless standard output carries only result rows. */
    boolean shown(OutputFormat output) {
      return switch (this) {
        case AUTO -> System.console() != null && !output.machineReadable();
        case ALWAYS -> true;
        case NEVER -> false;
      };
    }
  }

  /** {@code auto}, {@code always} or {@code never}, in any case. */
  static final class ProgressConverter implements ITypeConverter<Progress> {
    @Override
    public Progress convert(String value) {
      try {
        return Progress.valueOf(value.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(
            "'" + value + "' is not a progress mode (auto, always or never)");
      }
    }
  }

  /** {@code table}, {@code csv} or {@code json}, in any case. */
  static final class OutputFormatConverter implements ITypeConverter<OutputFormat> {
    @Override
    public OutputFormat convert(String value) {
      try {
        return OutputFormat.valueOf(value.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(
            "'" + value + "' is not an output format (table, csv or json)");
      }
    }
  }
}
