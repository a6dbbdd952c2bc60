package dev.tidewater.server;

import static dev.tidewater.server.JdbcRows.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gs://} locations through the {@code gcp} plugin (Iceberg's GCSFileIO with Google's storage
 * client in the plugin's own class loader), over the Flight SQL JDBC driver. No GCS emulator runs
 * here (fake-gcs-server is a Go binary, the Firebase storage emulator downloads its rules runtime
 * from Google at start), so what runs for real is the plugin's whole client path up to the network:
 * the plugin loads, the client is built from the source's options and sends its listing request to
 * the configured endpoint. The endpoint here is an HTTP server that is not GCS (every path answers
 * 404, as a wrong {@code gcs.service.host} does): the answer is a clear error that names the
 * location, the status and what to check, never the token; nothing is committed and the server
 * keeps serving. (A dead port gives "Connection refused (check option 'gcs.service.host' ...)", but
 * only after the client's own retries, about a minute.)
 */
class GcsLocationEndToEndTest {
  private static final String TOKEN = "ya29.s3cret-Gcs-Token";

  @Test
  void aGsLocationGoesThroughThePluginAndAWrongEndpointIsAClearError(@TempDir Path temp)
      throws Exception {
    HttpServer notGcs =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    notGcs.createContext(
        "/",
        exchange -> {
          byte[] body = "Not Found".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "text/plain");
          exchange.sendResponseHeaders(404, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    notGcs.start();
    try (TidewaterServerFixture server = new TidewaterServerFixture(temp.resolve("data"));
        Connection connection = server.connect();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE SOURCE landing TYPE FILES WITH (location = 'gs://landing/orders/*.csv',"
              + " format = 'csv', 'gcs.project-id' = 'tidewater-test', 'gcs.service.host' ="
              + " 'http://127.0.0.1:"
              + notGcs.getAddress().getPort()
              + "', 'gcs.oauth2.token' = '"
              + TOKEN
              + "')");
      assertThatThrownBy(
              () ->
                  statement.executeQuery(
                      "LOAD landing INTO iceberg.raw.gcs_orders WITH DISPOSITION APPEND"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("gs://landing/orders/*.csv")
          .hasMessageContaining("HTTP 404")
          .hasMessageContaining("check the bucket")
          .hasMessageNotContaining(TOKEN);
      for (String shown : List.of("SHOW SOURCES", "SELECT * FROM system.loads")) {
        try (ResultSet result = statement.executeQuery(shown)) {
          assertThat(rows(result).toString()).as(shown).doesNotContain(TOKEN);
        }
      }
      // Nothing was committed: the table was never created.
      assertThatThrownBy(() -> statement.executeQuery("SELECT count(*) FROM raw.gcs_orders"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("gcs_orders");
      assertThat(rows(statement.executeQuery("SELECT 1"))).containsExactly(List.of(1));
    } finally {
      notGcs.stop(0);
    }
  }
}
