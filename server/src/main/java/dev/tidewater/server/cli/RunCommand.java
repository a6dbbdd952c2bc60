package dev.tidewater.server.cli;

import dev.tidewater.server.Tidewater;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tidewater run script.sql}: runs a script, in this process or on a server. */
@Command(
    name = "run",
    description = "Runs the statements of a SQL script; exits non-zero when one fails.")
final class RunCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--connect", description = "Run on a server (host:port) instead of in process.")
  String connect;

  @Option(names = "--user", description = "User for --connect (password: TIDEWATER_PASSWORD).")
  String user;

  @Option(
      names = "--password-stdin",
      description = "Read the password for --connect from standard input.")
  boolean passwordStdin;

  @Option(
      names = "--continue-on-error",
      description = "Run the remaining statements after one fails.")
  boolean continueOnError;

  @Option(names = "--max-rows", defaultValue = "1000", description = "Rows to print per result.")
  int maxRows;

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
    try (StatementRunner runner = open(common, connect, user, passwordStdin)) {
      int failures =
          new ScriptExecutor(runner, System.out, System.err, maxRows)
              .run(script.toString(), text, continueOnError);
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

  /** In process on the data directory, or on the server named by {@code connect}. */
  static StatementRunner open(
      CommonOptions common, String connect, String user, boolean passwordStdin) {
    if (connect == null) {
      return new InProcessRunner(Tidewater.start(common.load(), System::getenv));
    }
    int colon = connect.lastIndexOf(':');
    TidewaterException.check(colon > 0, "--connect wants host:port, not '%s'", connect);
    String password = passwordStdin ? readLine() : System.getenv("TIDEWATER_PASSWORD");
    if (password == null && System.console() != null) {
      password = new String(System.console().readPassword("Password for %s: ", user));
    }
    TidewaterException.check(user != null, "--connect needs --user");
    TidewaterException.check(
        password != null, "set TIDEWATER_PASSWORD or use --password-stdin for --connect");
    return new RemoteRunner(
        connect.substring(0, colon),
        Integer.parseInt(connect.substring(colon + 1)),
        user,
        password);
  }

  private static String readLine() {
    try {
      return new java.io.BufferedReader(
              new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8))
          .readLine();
    } catch (IOException e) {
      throw TidewaterException.user("cannot read the password from standard input");
    }
  }
}
