package dev.tidewater.server.cli;

import static dev.tidewater.server.cli.CommandLineRun.row;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tidewater run examples/http.sql}, as a user runs it, against a real HTTP server serving
 * the pages the example ships (examples/data/api) and wanting its API key: an HTTP source with a
 * next link in the body, DESCRIBE, a preview, and an incremental MERGE run twice.
 */
class HttpExampleTest {
  private static final String SCRIPT = "examples/http.sql";
  private static final Path PAGES = Path.of("examples/data/api");
  private static final int PORT = 8765;
  private static final String KEY = "example-key-123";

  @TempDir Path temp;

  @Test
  void theHttpExampleLoadsEachTicketOnce() throws IOException {
    assertThat(Path.of(SCRIPT))
        .as("the working directory must be the repository root (see server/pom.xml)")
        .exists();
    List<String> requests = new CopyOnWriteArrayList<>();
    HttpServer api = start(requests);
    try {
      String script = SCRIPT;
      int port = api.getAddress().getPort();
      if (port != PORT) {
        // port 8765 is taken here: run the same script against the port we got
        Path copy = temp.resolve("http.sql");
        Files.writeString(
            copy,
            Files.readString(Path.of(SCRIPT)).replace("localhost:" + PORT, "localhost:" + port));
        script = copy.toString();
      }

      CommandLineRun run =
          CommandLineRun.of("run", "--data-dir", temp.resolve("data").toString(), script);

      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(run.out()).doesNotContain(KEY);
      assertThat(run.section(script, "DESCRIBE SOURCE tickets"))
          .containsPattern(row("id", "BIGINT", ".*"))
          .contains("| requester ")
          .contains("TIMESTAMP");
      assertThat(run.section(script, "SELECT id, subject, status FROM tickets LIMIT 3"))
          .containsPattern(row("1", "Ticket 1", "pending"))
          .containsPattern(row("3", "Ticket 3", "open"));
      assertThat(run.section(script, ": LOAD tickets INTO iceberg.support.tickets"))
          .containsPattern(row(".*", "SUCCEEDED", "7", "7", "0", ".*", ".*"));
      assertThat(run.section(script, "GROUP BY status"))
          .containsPattern(row("open", "2"))
          .containsPattern(row("pending", "3"))
          .containsPattern(row("solved", "2"));
      // the second load sent the cursor; the static pages ignored it, the load filtered
      assertThat(run.section(script, ": LOAD tickets INTO support.tickets"))
          .containsPattern(row(".*", "SUCCEEDED", "7", "0", "0", ".*", ".*"));
      assertThat(requests).contains("/tickets/page-1.json?updated_since=2024-06-07T09%3A30%3A00Z");
      assertThat(run.section(script, "FROM system.loads"))
          .containsPattern(row("SUCCEEDED", "7", "0", "2024-06-07T09:30:00Z"));
    } finally {
      api.stop(0);
    }
  }

  /** Serves the example's pages on port 8765 (else any free port), wanting the API key. */
  private static HttpServer start(List<String> requests) throws IOException {
    HttpServer api;
    try {
      api = HttpServer.create(new InetSocketAddress("127.0.0.1", PORT), 0);
    } catch (BindException e) {
      api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    }
    api.createContext(
        "/",
        exchange -> {
          requests.add(exchange.getRequestURI().toString());
          Path file = PAGES.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
          byte[] body;
          int status;
          if (!KEY.equals(exchange.getRequestHeaders().getFirst("X-Api-Key"))) {
            status = 401;
            body = "{\"error\": \"unknown API key\"}".getBytes(StandardCharsets.UTF_8);
          } else if (file.startsWith(PAGES) && Files.isRegularFile(file)) {
            status = 200;
            body = Files.readAllBytes(file);
          } else {
            status = 404;
            body = "{\"error\": \"not found\"}".getBytes(StandardCharsets.UTF_8);
          }
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(status, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    api.start();
    return api;
  }
}
