package dev.tidewater.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * An HTTP source as a user meets it, over the Flight SQL JDBC driver against a real server: a REST
 * API (the JDK's HTTP server) pages issues two at a time with a next link in the body, wants a
 * bearer token and honours {@code since}. An incremental MERGE run again after the API changed
 * takes each record once; a load that meets a broken page commits nothing and moves no cursor.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpSourceEndToEndTest {
  private static final String TOKEN = "ghp-end-to-end-s3cret";
  private static final int PAGE = 2;

  /** The API's issues by id: {title, state, updated_at}. */
  private final Map<Long, String[]> issues = new TreeMap<>();

  private final List<String> queries = new CopyOnWriteArrayList<>();
  private volatile boolean brokenSecondPage;
  private HttpServer api;
  private TidewaterServerFixture server;
  private Connection connection;

  @BeforeAll
  void start(@TempDir Path temp) throws Exception {
    for (long id = 1; id <= 5; id++) {
      issues.put(id, new String[] {"issue " + id, "open", "2024-05-0" + id + "T10:00:00Z"});
    }
    api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    api.createContext(
        "/issues",
        exchange -> {
          String query = exchange.getRequestURI().getRawQuery();
          queries.add(query == null ? "" : query);
          byte[] body;
          int status = 200;
          if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            status = 401;
            body = "{\"message\": \"Bad credentials\"}".getBytes(StandardCharsets.UTF_8);
          } else {
            body = page(ApiQuery.parse(query)).getBytes(StandardCharsets.UTF_8);
          }
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(status, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    api.start();
    server = new TidewaterServerFixture(temp.resolve("data"));
    connection = server.connect();
    execute(
        "CREATE SOURCE gh TYPE HTTP WITH (url = 'http://127.0.0.1:"
            + api.getAddress().getPort()
            + "/issues', records_path = '$.items', paginator = 'json_link',"
            + " next_url_path = '$.next', auth = 'bearer', token = '"
            + TOKEN
            + "', cursor_param = 'since', retry_delay_ms = 10)");
  }

  @AfterAll
  void stop() throws Exception {
    try {
      connection.close();
      server.close();
    } finally {
      api.stop(0);
    }
  }

  /** The query parameters the API knows. */
  private record ApiQuery(int page, String since) {
    static ApiQuery parse(String query) {
      int page = 1;
      String since = null;
      if (query != null) {
        for (String parameter : query.split("&")) {
          String[] pair = parameter.split("=", 2);
          if (pair[0].equals("page")) {
            page = Integer.parseInt(pair[1]);
          } else if (pair[0].equals("since")) {
            since = java.net.URLDecoder.decode(pair[1], StandardCharsets.UTF_8);
          }
        }
      }
      return new ApiQuery(page, since);
    }
  }

  /** Issues updated at or after {@code since} (as GitHub does), by update time, a page of them. */
  private synchronized String page(ApiQuery query) {
    if (brokenSecondPage && query.page() == 2) {
      return "<html>502 Bad Gateway</html>";
    }
    List<Map.Entry<Long, String[]>> selected =
        issues.entrySet().stream()
            .filter(
                issue ->
                    query.since() == null
                        || !Instant.parse(issue.getValue()[2])
                            .isBefore(Instant.parse(query.since())))
            .sorted(Map.Entry.comparingByValue((a, b) -> a[2].compareTo(b[2])))
            .collect(Collectors.toList());
    int from = (query.page() - 1) * PAGE;
    List<String> items = new ArrayList<>();
    for (int i = from; i < Math.min(selected.size(), from + PAGE); i++) {
      Map.Entry<Long, String[]> issue = selected.get(i);
      items.add(
          String.format(
              "{\"id\": %d, \"title\": \"%s\", \"state\": \"%s\", \"updated_at\": \"%s\","
                  + " \"author\": {\"login\": \"dev%d\"}}",
              issue.getKey(),
              issue.getValue()[0],
              issue.getValue()[1],
              issue.getValue()[2],
              issue.getKey()));
    }
    String next =
        from + PAGE < selected.size()
            ? "\"/issues?page="
                + (query.page() + 1)
                + (query.since() == null ? "" : "&since=" + query.since())
                + "\""
            : "null";
    return "{\"items\": [" + String.join(", ", items) + "], \"next\": " + next + "}";
  }

  @Test
  void incrementalMergeFromAnApiTakesEachRecordOnce() throws Exception {
    // DESCRIBE and a preview fetch the first page only
    queries.clear();
    assertThat(query("DESCRIBE SOURCE gh"))
        .extracting(row -> row.get(0))
        .containsExactly("id", "title", "state", "updated_at", "author");
    assertThat(queries).containsExactly("");
    queries.clear();
    assertThat(query("SELECT id, title FROM gh LIMIT 1")).containsExactly(List.of(1L, "issue 1"));
    assertThat(queries).allMatch(String::isEmpty); // never page 2
    assertThat(String.valueOf(query("SHOW SOURCES"))).doesNotContain(TOKEN);

    String load =
        "LOAD gh INTO iceberg.github.issues WITH DISPOSITION MERGE ON (id)"
            + " INCREMENTAL ON updated_at";
    List<Object> first = single(load);
    assertThat(first.get(1)).isEqualTo("SUCCEEDED");
    assertThat(first.get(3)).isEqualTo(5L);

    // The API changes: issue 2 is closed, issues 6 and 7 are new.
    synchronized (this) {
      issues.put(2L, new String[] {"issue 2", "closed", "2024-05-06T09:00:00Z"});
      issues.put(6L, new String[] {"issue 6", "open", "2024-05-07T10:00:00Z"});
      issues.put(7L, new String[] {"issue 7", "open", "2024-05-08T10:00:00Z"});
    }
    queries.clear();
    List<Object> second = single(load);
    assertThat(second.get(1)).isEqualTo("SUCCEEDED");
    // the stored cursor went to the API; the issue at the cursor itself came back and was dropped
    assertThat(queries).contains("since=2024-05-05T10%3A00%3A00Z");
    assertThat(second.get(3)).isEqualTo(3L);

    // Nothing new: nothing written.
    List<Object> third = single(load);
    assertThat(third.get(3)).isEqualTo(0L);

    assertThat(query("SELECT id, state FROM github.issues ORDER BY id"))
        .containsExactly(
            List.of(1L, "open"),
            List.of(2L, "closed"),
            List.of(3L, "open"),
            List.of(4L, "open"),
            List.of(5L, "open"),
            List.of(6L, "open"),
            List.of(7L, "open"));

    // Another engine reads each record once.
    Table table =
        server
            .tidewater()
            .engine()
            .catalogs()
            .catalog("iceberg")
            .loadTable(TableIdentifier.of("github", "issues"));
    List<Object> ids = new ArrayList<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
      for (Record row : rows) {
        ids.add(row.getField("id"));
        // the nested object is a struct
        assertThat(((Record) row.getField("author")).getField("login"))
            .isEqualTo("dev" + row.getField("id"));
      }
    }
    assertThat(ids).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L, 7L);

    // A broken page fails the load; nothing is committed and the cursor stays.
    long snapshot = table.currentSnapshot().snapshotId();
    synchronized (this) {
      issues.put(8L, new String[] {"issue 8", "open", "2024-05-09T10:00:00Z"});
      issues.put(9L, new String[] {"issue 9", "open", "2024-05-10T10:00:00Z"});
      issues.put(10L, new String[] {"issue 10", "open", "2024-05-11T10:00:00Z"});
      brokenSecondPage = true;
    }
    assertThatThrownBy(() -> single(load))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("HTTP source 'gh': page 2 (GET http://127.0.0.1:")
        .hasMessageContaining("not valid JSON")
        .hasMessageNotContaining(TOKEN);
    table.refresh();
    assertThat(table.currentSnapshot().snapshotId()).isEqualTo(snapshot);
    brokenSecondPage = false;
    List<Object> fourth = single(load);
    assertThat(fourth.get(3)).isEqualTo(3L);
    assertThat(single("SELECT count(*), count(DISTINCT id) FROM github.issues"))
        .containsExactly(10L, 10L);
  }

  private void execute(String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private List<List<Object>> query(String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      return JdbcRows.rows(statement.executeQuery(sql));
    }
  }

  private List<Object> single(String sql) throws SQLException {
    List<List<Object>> rows = query(sql);
    assertThat(rows).hasSize(1);
    return rows.get(0);
  }
}
