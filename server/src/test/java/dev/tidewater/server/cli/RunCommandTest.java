package dev.tidewater.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
    CommandLineRun result =
        CommandLineRun.of("run", "--data-dir", temp.resolve("data").toString(), script.toString());
    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).contains("| Bras\u00edlia ", "| Lima ", "SUCCEEDED", "SELECT: 2 rows");
    assertThat(result.out()).doesNotContain("| Oslo ");
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
    CommandLineRun result =
        CommandLineRun.of("run", "--data-dir", temp.resolve("data").toString(), script.toString());
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains(script + ":4:8: error:").contains("nowhere");
    assertThat(result.out()).doesNotContain("catalog_name");

    CommandLineRun goingOn =
        CommandLineRun.of(
            "run",
            "--continue-on-error",
            "--data-dir",
            temp.resolve("data").toString(),
            script.toString());
    assertThat(goingOn.exitCode()).isEqualTo(1);
    assertThat(goingOn.out()).contains("catalog_name");
  }

  @Test
  void neverPrintsSecretOptionValues() throws Exception {
    Path csv = temp.resolve("cities.csv");
    Files.writeString(csv, "city,population\nOslo,709000\n");
    Path script = temp.resolve("secrets.sql");
    Files.writeString(
        script,
        "CREATE SOURCE cities TYPE FILES WITH ('s3.secret-access-key' = 'wJalrXUtnFEMI-K7MDENG',"
            + " location = '"
            + csv
            + "');\n"
            + "CREATE SOURCE broken TYPE FILES WITH (location = '"
            + csv
            + "', 's3.session-token' 'FwoGZXIvYXdzEXAMPLE');\n");

    CommandLineRun result =
        CommandLineRun.of(
            "run",
            "--continue-on-error",
            "--data-dir",
            temp.resolve("data").toString(),
            script.toString());

    // The first statement runs (the key is a FILES option), the second is a syntax error whose
    // message would quote the token.
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out()).contains("CREATE: OK", "'s3.secret-access-key' = '***'");
    assertThat(result.err()).contains(script + ":2:", "syntax error", "***");
    assertThat(result.out() + result.err())
        .doesNotContain("wJalrXUtnFEMI-K7MDENG", "FwoGZXIvYXdzEXAMPLE");
  }
}
