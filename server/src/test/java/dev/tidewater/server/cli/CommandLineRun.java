package dev.tidewater.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** One run of the {@code tidewater} command line in this JVM, through {@link Main#execute}. */
record CommandLineRun(int exitCode, String out, String err) {
  /** Runs the command with standard output and error captured. */
  static CommandLineRun of(String... args) {
    return withInput(null, args);
  }

  /**
   * Runs the command with {@code stdin} as its standard input (null: this JVM's), output and error
   * captured.
   */
  static CommandLineRun withInput(String stdin, String... args) {
    return run(stdin, new ByteArrayOutputStream(), new ByteArrayOutputStream(), args);
  }

  /**
   * Starts the command in another thread, with {@code stdin} as its standard input and output and
   * error captured; the test reads them while it runs.
   */
  static Running inBackground(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CompletableFuture<CommandLineRun> run =
        CompletableFuture.supplyAsync(() -> CommandLineRun.run(stdin, out, err, args));
    return new Running(err, run);
  }

  /** A command that runs in another thread. */
  record Running(ByteArrayOutputStream err, CompletableFuture<CommandLineRun> run) {
    /** Its standard error so far. */
    String errSoFar() {
      return err.toString(StandardCharsets.UTF_8);
    }

    /** Waits for its end. */
    CommandLineRun finish() throws Exception {
      return run.get(GIVE_UP_SECONDS, TimeUnit.SECONDS);
    }
  }

  /** Not a time limit on the command: only how long a test waits for one that hangs. */
  static final long GIVE_UP_SECONDS = 300;

  private static synchronized CommandLineRun run(
      String stdin, ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
    PrintStream originalOut = System.out;
    PrintStream originalErr = System.err;
    InputStream originalIn = System.in;
    try {
      if (stdin != null) {
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
      }
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.execute(args);
      return new CommandLineRun(
          code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setIn(originalIn);
      System.setOut(originalOut);
      System.setErr(originalErr);
    }
  }

  /**
   * The output of the one statement of {@code script} whose echoed text contains {@code
   * statementText}.
   */
  String section(String script, String statementText) {
    List<String> sections =
        Arrays.stream(out.split("\n-- " + Pattern.quote(script) + ":"))
            .filter(section -> section.lines().findFirst().orElse("").contains(statementText))
            .toList();
    assertThat(sections).as("statements echoed as containing '%s'", statementText).hasSize(1);
    return sections.get(0);
  }

  /** A printed result row holding these cells ({@code .*} matches any cell). */
  static Pattern row(String... cells) {
    String inner =
        Arrays.stream(cells)
            .map(cell -> cell.equals(".*") ? "[^|]*" : " " + Pattern.quote(cell) + " +")
            .collect(Collectors.joining("\\|"));
    return Pattern.compile("(?m)^\\|" + inner + "\\|");
  }
}
