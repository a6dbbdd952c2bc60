package dev.tidewater.server;

import static dev.tidewater.server.JdbcRows.rows;
import static org.assertj.core.api.Assertions.assertThat;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import dev.tidewater.iceberg.testing.RequiredService;
import dev.tidewater.iceberg.testing.RestCatalogService;
import dev.tidewater.planner.load.Failpoints;
import dev.tidewater.server.testing.ServerProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Two {@code tidewater server} processes share one PostgreSQL metadata store, one REST catalog and
 * one S3-compatible warehouse (S3Mock, in process; the nodes reach it through S3FileIO): sources
 * created on one node load on the other; 8 concurrent incremental MERGE and APPEND loads spread
 * over both nodes into two tables lose and duplicate no row; a third node killed in the middle of a
 * load leaves the others serving and its load settled FAILED.
 */
class TwoNodesTest {
  private static final String USER = "node";
  private static final String PASSWORD = "n0de-Pa55";

  private static final String BUCKET = "shared-lake";

  /** The warehouse: started first, since the catalog server writes its metadata there. */
  @RegisterExtension
  @Order(1)
  static final RequiredService<S3MockExtension> S3 =
      RequiredService.of(
          "S3Mock",
          S3MockExtension.builder()
              .silent()
              .withSecureConnection(false)
              .withInitialBuckets(BUCKET)
              .build());

  @RegisterExtension
  @Order(2)
  static final RequiredService<RestCatalogService> REST =
      RequiredService.of(
          "the Iceberg REST catalog server", new RestCatalogService(TwoNodesTest::s3Properties));

  private static EmbeddedPostgres postgres;

  /** The warehouse and FileIO properties, for the catalog server and for the nodes alike. */
  private static Map<String, String> s3Properties() {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("warehouse", "s3://" + BUCKET + "/warehouse");
    properties.put("io-impl", "org.apache.iceberg.aws.s3.S3FileIO");
    properties.put("s3.endpoint", "http://localhost:" + S3.service().getHttpPort());
    properties.put("s3.path-style-access", "true");
    properties.put("s3.access-key-id", "tidewater");
    properties.put("s3.secret-access-key", "not-checked-by-s3mock");
    properties.put("client.region", "us-east-1");
    return properties;
  }

  @TempDir static Path temp;

  @BeforeAll
  static void startPostgres() {
    postgres = RequiredService.start("embedded PostgreSQL", () -> EmbeddedPostgres.start());
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void twoNodesShareSourcesTablesAndHistory() throws Exception {
    Path config = temp.resolve("tidewater.yaml");
    Files.writeString(
        config,
        """
        default-catalog: lake
        metadata:
          url: %s
          user: postgres
          password: postgres
        catalogs:
          lake:
            type: rest
            uri: %s
        %s"""
            .formatted(
                postgres.getJdbcUrl("postgres", "postgres"),
                REST.service().uri(),
                yaml(s3Properties(), "    ")));
    try (ServerProcess first =
            ServerProcess.start(config, temp.resolve("node-1"), null, USER, PASSWORD);
        ServerProcess second =
            ServerProcess.start(config, temp.resolve("node-2"), null, USER, PASSWORD);
        Connection one = first.connect();
        Connection two = second.connect();
        Statement onFirst = one.createStatement();
        Statement onSecond = two.createStatement()) {
      // Sources created on the first node, four per table; the second node loads them too.
      for (int i = 0; i < 4; i++) {
        Path merge = temp.resolve("merge-" + i + ".csv");
        Path append = temp.resolve("append-" + i + ".csv");
        // MERGE sources overlap their neighbours' keys; APPEND sources are disjoint.
        write(merge, i * 100, i * 100 + 150);
        write(append, i * 1000, i * 1000 + 100);
        onFirst.execute(
            "CREATE SOURCE merge_" + i + " TYPE FILES WITH (location = '" + merge + "')");
        onFirst.execute(
            "CREATE SOURCE append_" + i + " TYPE FILES WITH (location = '" + append + "')");
      }
      assertThat(rows(onSecond.executeQuery("SHOW SOURCES"))).hasSize(8);
      onSecond.execute("CREATE NAMESPACE IF NOT EXISTS ns");

      List<CompletableFuture<Void>> loads = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        ServerProcess mergeNode = i % 2 == 0 ? first : second;
        ServerProcess appendNode = i % 2 == 0 ? second : first;
        loads.add(
            load(
                mergeNode,
                "LOAD merge_"
                    + i
                    + " INTO ns.merged WITH DISPOSITION MERGE ON (id)"
                    + " INCREMENTAL ON id"));
        loads.add(
            load(
                appendNode,
                "LOAD append_"
                    + i
                    + " INTO ns.appended WITH DISPOSITION APPEND INCREMENTAL ON id"));
      }
      CompletableFuture.allOf(loads.toArray(CompletableFuture[]::new)).get(300, TimeUnit.SECONDS);

      // Keys 0..449 once each; 4 x 100 appended rows once each; seen alike from both nodes.
      for (Statement statement : List.of(onFirst, onSecond)) {
        assertThat(
                rows(statement.executeQuery("SELECT count(*), count(DISTINCT id) FROM ns.merged")))
            .containsExactly(List.of(450L, 450L));
        assertThat(
                rows(
                    statement.executeQuery("SELECT count(*), count(DISTINCT id) FROM ns.appended")))
            .containsExactly(List.of(400L, 400L));
      }
      assertThat(
              rows(
                  onFirst.executeQuery(
                      "SELECT count(*) FROM system.loads WHERE status = 'SUCCEEDED'")))
          .containsExactly(List.of(8L));

      // The data went to the shared object store, not to a node's disk.
      try (S3Client client = S3.service().createS3ClientV2()) {
        List<String> keys =
            client
                .listObjectsV2(request -> request.bucket(BUCKET).prefix("warehouse/ns/"))
                .contents()
                .stream()
                .map(S3Object::key)
                .toList();
        assertThat(keys).anyMatch(key -> key.startsWith("warehouse/ns/merged/data/"));
        assertThat(keys).anyMatch(key -> key.startsWith("warehouse/ns/appended/metadata/"));
      }

      // A third node dies in the middle of a load; the others keep serving and settle it.
      Path late = temp.resolve("late.csv");
      write(late, 5000, 5100);
      onSecond.execute("CREATE SOURCE late TYPE FILES WITH (location = '" + late + "')");
      try (ServerProcess doomed =
          ServerProcess.start(
              config, temp.resolve("node-3"), Failpoints.BEFORE_COMMIT, USER, PASSWORD)) {
        CompletableFuture<Void> client =
            CompletableFuture.runAsync(
                () -> {
                  try (Connection connection = doomed.connect();
                      Statement statement = connection.createStatement()) {
                    statement
                        .executeQuery("LOAD late INTO ns.appended WITH DISPOSITION APPEND")
                        .close();
                  } catch (SQLException e) {
                    // the node dies under the statement
                  }
                });
        assertThat(doomed.awaitFailpoint(120, TimeUnit.SECONDS)).isTrue();
        doomed.kill();
        client.get(60, TimeUnit.SECONDS);
      }
      assertThat(rows(onFirst.executeQuery("SELECT count(*) FROM ns.appended")))
          .containsExactly(List.of(400L));
      assertThat(
              rows(onSecond.executeQuery("SELECT status FROM system.loads WHERE source = 'late'")))
          .containsExactly(List.of("FAILED"));
    }
  }

  private static CompletableFuture<Void> load(ServerProcess node, String sql) {
    return CompletableFuture.runAsync(
        () -> {
          for (int attempt = 1; ; attempt++) {
            try (Connection connection = node.connect();
                Statement statement = connection.createStatement()) {
              List<List<Object>> result = rows(statement.executeQuery(sql));
              assertThat(result.get(0).get(1)).isEqualTo("SUCCEEDED");
              return;
            } catch (SQLException e) {
              // Conflicts the load cannot resolve itself say so and commit nothing.
              if (attempt == 5 || !String.valueOf(e.getMessage()).contains("run the load again")) {
                throw new IllegalStateException(sql + ": " + e.getMessage(), e);
              }
            }
          }
        });
  }

  private static String yaml(Map<String, String> properties, String indent) {
    StringBuilder yaml = new StringBuilder();
    properties.forEach(
        (key, value) -> yaml.append(indent).append(key).append(": ").append(value).append('\n'));
    return yaml.toString();
  }

  private static void write(Path file, int from, int to) throws IOException {
    StringBuilder csv = new StringBuilder("id,label\n");
    for (int id = from; id < to; id++) {
      csv.append(id).append(",row ").append(id).append('\n');
    }
    Files.writeString(file, csv);
  }
}
