package dev.tidewater.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tidewater run script.sql}, in process, as a pipeline would call it. */
class RunCommandTest {
  @TempDir Path temp;

  @Test
  void runsAScriptAndPrintsResults() throws Exception {
    Path csv = temp.resolve("cities.csv");
    Files.writeString(
        csv, "city,population\nOslo,709000\nLima,10092000\n\"Bras\u00edlia\",4800000\n");
    Path script = temp.resolve("load.sql");
    Files.writeString(
        script,
        "-- load cities\n"
            + "CREATE SOURCE cities TYPE FILES WITH (location = '"
            + csv
            + "');\n"
            + "LOAD cities INTO geo.cities WITH DISPOSITION REPLACE;\n"
            + "SELECT city FROM geo.cities WHERE population > 1000000 ORDER BY city;\n");
    Result result = run("run", "--data-dir", temp.resolve("data").toString(), script.toString());
    assertThat(result.exitCode).isZero();
    assertThat(result.out).contains("| Bras\u00edlia ", "| Lima ", "SUCCEEDED", "SELECT: 2 rows");
    assertThat(result.out).doesNotContain("| Oslo ");
  }

  @Test
  void failsWithTheScriptLineAndStops() throws Exception {
    Path script = temp.resolve("broken.sql");
    Files.writeString(
        script,
        "CREATE NAMESPACE IF NOT EXISTS geo;\n"
            + "\n"
            + "SELECT *\n"
            + "  FROM geo.nowhere;\n"
            + "SHOW CATALOGS;\n");
    Result result = run("run", "--data-dir", temp.resolve("data").toString(), script.toString());
    assertThat(result.exitCode).isEqualTo(1);
    assertThat(result.err).contains(script + ":4:8: error:").contains("nowhere");
    assertThat(result.out).doesNotContain("catalog_name");

    Result goingOn =
        run(
            "run",
            "--continue-on-error",
            "--data-dir",
            temp.resolve("data").toString(),
            script.toString());
    assertThat(goingOn.exitCode).isEqualTo(1);
    assertThat(goingOn.out).contains("catalog_name");
  }

  private record Result(int exitCode, String out, String err) {}

  private static synchronized Result run(String... args) {
    PrintStream originalOut = System.out;
    PrintStream originalErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.execute(args);
      return new Result(
          code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(originalOut);
      System.setErr(originalErr);
    }
  }
}
