package dev.tidewater.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.server.testing.ServerProcess;
import dev.tidewater.server.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS end to end: a {@code tidewater server} process with {@code server.tls} in its configuration,
 * a certificate signed by the test's own CA; the Flight SQL JDBC driver verifies it against that CA
 * ({@code disableCertificateVerification=false}); a client trusting another CA and a plaintext
 * client are refused and the server keeps serving; {@code tidewater run --connect --tls-ca} runs a
 * script over TLS.
 */
class TlsEndToEndTest {
  private static final String USER = "etl";
  private static final String PASSWORD = "tls-secret";

  @TempDir static Path temp;

  private static TestCertificates certificates;
  private static TestCertificates stranger;
  private static ServerProcess server;

  @BeforeAll
  static void start() throws Exception {
    certificates = TestCertificates.create(temp.resolve("tls"), "tidewater");
    stranger = TestCertificates.create(temp.resolve("other"), "stranger");
    Path config = temp.resolve("tidewater.yaml");
    Files.writeString(
        config,
        """
        server:
          tls:
            cert: %s
            key: %s
        """
            .formatted(certificates.serverChain(), certificates.serverKey()));
    server = ServerProcess.start(config, temp.resolve("data"), null, USER, PASSWORD);
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void theJdbcDriverVerifiesTheServerAgainstTheTestsCa() throws Exception {
    Path csv = temp.resolve("fruit.csv");
    Files.writeString(csv, "name,kg\napple,3\npear,5\n");
    try (Connection connection = connect(tlsUrl(certificates.caCert()));
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE SOURCE fruit TYPE FILES WITH (location = '" + csv + "')");
      statement.execute("LOAD fruit INTO farm.fruit WITH DISPOSITION APPEND");
      try (ResultSet rows = statement.executeQuery("SELECT sum(kg) FROM farm.fruit")) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getLong(1)).isEqualTo(8);
      }
    }
  }

  @Test
  void aClientTrustingAnotherCaOrSpeakingPlaintextIsRefused() throws Exception {
    assertThatThrownBy(() -> query(tlsUrl(stranger.caCert()))).isInstanceOf(SQLException.class);
    assertThatThrownBy(
            () ->
                query(
                    "jdbc:arrow-flight-sql://localhost:" + server.port() + "/?useEncryption=false"))
        .isInstanceOf(SQLException.class);
    // ... and the server keeps serving the clients that trust it.
    assertThat(query(tlsUrl(certificates.caCert()))).isEqualTo(1);
  }

  @Test
  void runConnectsOverTls() throws Exception {
    Path script = temp.resolve("tls.sql");
    Files.writeString(script, "SELECT 40 + 2 AS answer;\n");
    CommandLineRun trusted = run(script, "--tls-ca", certificates.caCert().toString());
    assertThat(trusted.exitCode()).as(trusted.err()).isZero();
    assertThat(trusted.out()).contains("42");
    CommandLineRun plaintext = run(script);
    assertThat(plaintext.exitCode()).isEqualTo(2);
    assertThat(plaintext.err())
        .contains("cannot log in", "add --tls or --tls-ca")
        .doesNotContain(PASSWORD);
    CommandLineRun stranger = run(script, "--tls-ca", TlsEndToEndTest.stranger.caCert().toString());
    assertThat(stranger.exitCode()).isEqualTo(2);
    assertThat(stranger.err())
        .contains("cannot log in", "with a certificate the given CAs sign")
        .doesNotContain("ClientHandshakeWrapper");
  }

  /** {@code tidewater run --connect} on the server with the password on standard input. */
  private static CommandLineRun run(Path script, String... tlsOptions) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "--connect",
                "localhost:" + server.port(),
                "--user",
                USER,
                "--password-stdin"));
    args.addAll(List.of(tlsOptions));
    args.add(script.toString());
    return CommandLineRun.withInput(PASSWORD + "\n", args.toArray(String[]::new));
  }

  private static String tlsUrl(Path ca) {
    return "jdbc:arrow-flight-sql://localhost:"
        + server.port()
        + "/?useEncryption=true&disableCertificateVerification=false&tlsRootCerts="
        + ca;
  }

  private static Connection connect(String url) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", USER);
    properties.setProperty("password", PASSWORD);
    return DriverManager.getConnection(url, properties);
  }

  private static int query(String url) throws SQLException {
    try (Connection connection = connect(url);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT 1")) {
      rows.next();
      return rows.getInt(1);
    }
  }
}
