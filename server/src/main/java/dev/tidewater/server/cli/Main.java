package dev.tidewater.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tidewater} command. */
@Command(
    name = "tidewater",
    mixinStandardHelpOptions = true,
    version = "Tidewater 0.1.0",
    description = "Loads data into Apache Iceberg with SQL; serves it over Arrow Flight SQL.",
    subcommands = {
      ServerCommand.class,
      RunCommand.class,
      SqlCommand.class,
      HashPasswordCommand.class
    })
public final class Main implements Runnable {
  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit code. */
  public static int execute(String... args) {
    return new CommandLine(new Main()).execute(args);
  }

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }
}
