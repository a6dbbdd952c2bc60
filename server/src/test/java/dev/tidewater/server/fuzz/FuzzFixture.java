package dev.tidewater.server.fuzz;

import com.sun.net.httpserver.HttpServer;
import dev.tidewater.server.TidewaterServerFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * One real Tidewater server for fuzzing, with its scratch data: a copy of {@code examples/data} (so
 * that LOADs read small files), an HTTP server serving the example's API pages, and one Flight SQL
 * JDBC connection. Statements run one at a time with a time limit, and each ends in a {@link
 * Verdict}.
 */
final class FuzzFixture implements AutoCloseable {
  /** Where the examples' data lives in a fuzz statement; replaced by the scratch copy's path. */
  static final String DATA = "@DATA@";

  /** The HTTP example's server in a fuzz statement; replaced by the fixture's HTTP server. */
  static final String HTTP = "@HTTP@";

  /** Long enough for any statement over the scratch data; a statement that takes longer hangs. */
  private static final long TIMEOUT_SECONDS = 60;

  private final Path data;
  private final HttpServer api;
  private final TidewaterServerFixture server;
  private ExecutorService runner = Executors.newSingleThreadExecutor();
  private Connection connection;

  FuzzFixture(Path temp) throws IOException, SQLException {
    this.data = temp.resolve("examples-data");
    copy(Path.of("examples/data"), data);
    this.api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    Path pages = data.resolve("api");
    api.createContext(
        "/",
        exchange -> {
          Path file = pages.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
          boolean found = file.startsWith(pages) && Files.isRegularFile(file);
          byte[] body = found ? Files.readAllBytes(file) : "{\"error\": \"not found\"}".getBytes();
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(found ? 200 : 404, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    api.start();
    this.server = new TidewaterServerFixture(temp.resolve("server"));
    this.connection = server.connect();
  }

  /** The statement as it is sent: placeholders replaced by the scratch data and HTTP server. */
  String resolve(String statement) {
    return statement
        .replace(DATA, data.toString())
        .replace(HTTP, "http://127.0.0.1:" + api.getAddress().getPort());
  }

  /** Runs one statement (reading its whole result) and judges how it ended. */
  Verdict run(String statement) {
    String sql = resolve(statement);
    Connection current = connection;
    Future<Void> execution =
        runner.submit(
            () -> {
              try (Statement jdbc = current.createStatement()) {
                if (jdbc.execute(sql)) {
                  drain(jdbc.getResultSet());
                }
              }
              return null;
            });
    try {
      execution.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return Verdict.success(statement);
    } catch (TimeoutException e) {
      // The stuck call keeps its thread and connection; go on with new ones.
      execution.cancel(true);
      runner.shutdownNow();
      runner = Executors.newSingleThreadExecutor();
      reconnect();
      return Verdict.bug(statement, "no answer within " + TIMEOUT_SECONDS + " s (a hang)");
    } catch (ExecutionException e) {
      Verdict verdict = Verdict.of(statement, e.getCause());
      if (connectionClosed()) {
        reconnect();
      }
      return verdict;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Whether the server still answers queries, on the fuzzing connection and on a new one. */
  Verdict alive(String after) {
    Verdict verdict = run("SELECT 1 AS alive");
    if (verdict.kind() != Verdict.Kind.SUCCESS) {
      return Verdict.bug(after, "the server no longer answers SELECT 1: " + verdict.detail());
    }
    ExecutorService checker = Executors.newSingleThreadExecutor();
    try {
      checker
          .submit(
              () -> {
                try (Connection fresh = server.connect();
                    Statement statement = fresh.createStatement()) {
                  drain(statement.executeQuery("SELECT count(*) FROM system.loads"));
                }
                return null;
              })
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return verdict;
    } catch (ExecutionException e) {
      return Verdict.bug(after, "a new connection cannot query: " + e.getCause().getMessage());
    } catch (TimeoutException e) {
      return Verdict.bug(after, "a new connection gets no answer within " + TIMEOUT_SECONDS + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      checker.shutdownNow();
    }
  }

  @Override
  public void close() throws Exception {
    runner.shutdownNow();
    try {
      connection.close();
    } finally {
      try {
        server.close();
      } finally {
        api.stop(0);
      }
    }
  }

  private boolean connectionClosed() {
    try {
      return connection.isClosed();
    } catch (SQLException e) {
      return true;
    }
  }

  private void reconnect() {
    try {
      connection = server.connect();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot reconnect to the fuzzed server", e);
    }
  }

  private static void drain(ResultSet result) throws SQLException {
    try (result) {
      int columns = result.getMetaData().getColumnCount();
      while (result.next()) {
        for (int i = 1; i <= columns; i++) {
          result.getObject(i);
        }
      }
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.toList()) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
