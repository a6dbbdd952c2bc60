package dev.tidewater.flight;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.Properties;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS with a self-signed certificate made by the JDK's keytool. */
class TlsEndpointTest {
  private static final char[] PASSWORD = "changeit".toCharArray();

  @TempDir Path directory;

  @Test
  void jdbcQueriesOverTls() throws Exception {
    Path cert = directory.resolve("cert.pem");
    Path key = directory.resolve("key.pem");
    selfSignedCertificate(cert, key);
    FakeGateway gateway = new FakeGateway();
    EndpointConfig config =
        new EndpointConfig("localhost", 0, cert, key, Duration.ofMinutes(1), 10);
    try (BufferAllocator allocator = new RootAllocator();
        FlightEndpoint endpoint = FlightEndpoint.start(gateway, allocator, config)) {
      assertThat(endpoint.location().getUri().getScheme()).isEqualTo("grpc+tls");
      Properties properties = new Properties();
      properties.setProperty("user", FakeGateway.USER);
      properties.setProperty("password", FakeGateway.PASSWORD);
      String url =
          "jdbc:arrow-flight-sql://localhost:"
              + endpoint.port()
              + "/?useEncryption=true&disableCertificateVerification=true";
      try (Connection connection = DriverManager.getConnection(url, properties);
          Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery("SELECT * FROM iceberg.demo.t")) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getString("name")).isEqualTo("alpha");
      }
    }
  }

  private void selfSignedCertificate(Path cert, Path key) throws Exception {
    Path keystore = directory.resolve("keystore.p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process process =
        new ProcessBuilder(
                keytool.toString(),
                "-genkeypair",
                "-alias",
                "tidewater",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                new String(PASSWORD),
                "-keypass",
                new String(PASSWORD))
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(output).isZero();
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, PASSWORD);
    }
    Files.writeString(cert, pem("CERTIFICATE", store.getCertificate("tidewater").getEncoded()));
    Files.writeString(key, pem("PRIVATE KEY", store.getKey("tidewater", PASSWORD).getEncoded()));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
