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

  @Test
  void endsWithASummaryTableOfEveryStatement() throws Exception {
    Path script = temp.resolve("summary.sql");
    Files.writeString(
        script,
        "CREATE NAMESPACE IF NOT EXISTS geo;\n"
            + "SHOW NAMESPACES IN iceberg;\n"
            + "SELECT * FROM geo.nowhere;\n"
            + "SHOW CATALOGS;\n");
    CommandLineRun result =
        CommandLineRun.of("run", "--data-dir", temp.resolve("data").toString(), script.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    String summary = result.out().substring(result.out().lastIndexOf("| statement"));
    assertThat(summary.lines().filter(line -> line.startsWith("| " + script)))
        .hasSize(4)
        .anySatisfy(line -> assertThat(line).contains(":1 ", "CREATE", "OK"))
        .anySatisfy(line -> assertThat(line).contains(":2 ", "SHOW", "OK", "| 1 "))
        .anySatisfy(line -> assertThat(line).contains(":3 ", "SELECT", "FAILED"))
        .anySatisfy(line -> assertThat(line).contains(":4 ", "SHOW", "SKIPPED"));
  }

  @Test
  void writesResultsAsCsvOrJsonLinesAndNothingElseOnStandardOutput() throws Exception {
    Path csv = temp.resolve("cities.csv");
    Files.writeString(
        csv,
        "city,population,note\nOslo,709000,\"cold, dark\"\nLima,10092000,\nBras\u00edlia,4800000,new\n");
    Path script = temp.resolve("export.sql");
    Files.writeString(
        script,
        "CREATE SOURCE cities TYPE FILES WITH (location = '"
            + csv
            + "');\n"
            + "LOAD cities INTO geo.cities WITH DISPOSITION REPLACE;\n"
            + "SELECT city, population, note, population > 1000000 AS big"
            + " FROM geo.cities ORDER BY city;\n");
    String data = temp.resolve("data").toString();

    CommandLineRun asCsv =
        CommandLineRun.of("run", "--output", "csv", "--data-dir", data, script.toString());
    assertThat(asCsv.exitCode()).isZero();
    // Each result is written, the LOAD's summary row first, each with its own header.
    assertThat(asCsv.out()).startsWith("load_id,status,rows_read,rows_written,rows_rejected,");
    assertThat(asCsv.out())
        .endsWith(
            "city,population,note,big\n"
                + "Bras\u00edlia,4800000,new,true\n"
                + "Lima,10092000,,true\n"
                + "Oslo,709000,\"cold, dark\",false\n");
    assertThat(asCsv.err()).contains("LOAD: 1 row", "| statement");

    CommandLineRun asJson =
        CommandLineRun.of(
            "run", "--output", "JSON", "--data-dir", data + "-json", script.toString());
    assertThat(asJson.exitCode()).isZero();
    assertThat(asJson.out().lines().toList().get(0)).contains("\"status\":\"SUCCEEDED\"");
    assertThat(asJson.out().lines().skip(1))
        .containsExactly(
            "{\"city\":\"Bras\u00edlia\",\"population\":4800000,\"note\":\"new\",\"big\":true}",
            "{\"city\":\"Lima\",\"population\":10092000,\"note\":null,\"big\":true}",
            "{\"city\":\"Oslo\",\"population\":709000,\"note\":\"cold, dark\",\"big\":false}");

    CommandLineRun wrong =
        CommandLineRun.of("run", "--output", "xml", "--data-dir", data, script.toString());
    assertThat(wrong.exitCode()).isNotZero();
    assertThat(wrong.err()).contains("'xml' is not an output format (table, csv or json)");
  }
}
