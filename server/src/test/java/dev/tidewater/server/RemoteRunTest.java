package dev.tidewater.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tidewater.server.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tidewater run --connect}: a script runs on a server over Flight SQL. */
class RemoteRunTest {
  @TempDir Path temp;

  @Test
  void runsAScriptOnAServer() throws Exception {
    Path csv = temp.resolve("fruit.csv");
    Files.writeString(csv, "name,kg\napple,3\npear,5\n");
    Path script = temp.resolve("remote.sql");
    Files.writeString(
        script,
        "CREATE SOURCE fruit TYPE FILES WITH (location = '"
            + csv
            + "');\n"
            + "LOAD fruit INTO farm.fruit WITH DISPOSITION APPEND;\n"
            + "SELECT sum(kg) AS total FROM farm.fruit;\n"
            + "SELECT * FROM farm.nothing;\n");
    try (TidewaterServerFixture server = new TidewaterServerFixture(temp.resolve("data"))) {
      String[] output =
          run(
              TidewaterServerFixture.PASSWORD + "\n",
              "run",
              "--connect",
              "127.0.0.1:" + server.port(),
              "--user",
              TidewaterServerFixture.USER,
              "--password-stdin",
              script.toString());
      assertThat(output[0]).isEqualTo("1");
      assertThat(output[1]).as(output[2]).contains("SUCCEEDED").contains("| 8 ");
      assertThat(output[2]).contains(script + ":4").contains("nothing");

      String[] wrong =
          run(
              "not-the-password\n",
              "run",
              "--connect",
              "127.0.0.1:" + server.port(),
              "--user",
              TidewaterServerFixture.USER,
              "--password-stdin",
              script.toString());
      assertThat(wrong[0]).isEqualTo("2");
      assertThat(wrong[2]).contains("cannot log in");
    }
  }

  private static synchronized String[] run(String stdin, String... args) {
    PrintStream originalOut = System.out;
    PrintStream originalErr = System.err;
    InputStream originalIn = System.in;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.execute(args);
      return new String[] {
        Integer.toString(code),
        out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8)
      };
    } finally {
      System.setIn(originalIn);
      System.setOut(originalOut);
      System.setErr(originalErr);
    }
  }
}
