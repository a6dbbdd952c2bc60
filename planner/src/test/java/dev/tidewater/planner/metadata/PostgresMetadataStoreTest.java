package dev.tidewater.planner.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.iceberg.testing.RequiredService;
import dev.tidewater.spi.TidewaterException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metadata store on a real PostgreSQL server, opened by several "nodes" (stores) at once:
 * migrations run once, racing writes stay consistent, and a database that goes down gives a clear
 * error and serves again once it is back.
 */
class PostgresMetadataStoreTest {
  private static final String PASSWORD = "s3cret-Metadata";
  private static Path dataDirectory;
  private static EmbeddedPostgres postgres;
  private static int port;

  @BeforeAll
  static void startPostgres(@TempDir Path temp) {
    dataDirectory = temp.resolve("pgdata");
    postgres = RequiredService.start("embedded PostgreSQL", () -> start(0));
    port = postgres.getPort();
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE ROLE tidewater LOGIN PASSWORD '" + PASSWORD + "'");
      statement.execute("CREATE DATABASE tidewater OWNER tidewater");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static EmbeddedPostgres start(int onPort) throws Exception {
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder().setDataDirectory(dataDirectory).setCleanDataDirectory(false);
    if (onPort > 0) {
      builder.setPort(onPort);
    }
    return builder.start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  private static String url() {
    return "jdbc:postgresql://localhost:" + port + "/tidewater";
  }

  private static MetadataStore node() {
    return MetadataStore.open(url(), "tidewater", PASSWORD);
  }

  @Test
  void nodesStartingTogetherRunEachMigrationOnceAndShareWhatTheyStore() throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<CompletableFuture<MetadataStore>> opening = new ArrayList<>();
    for (int node = 0; node < 4; node++) {
      opening.add(
          CompletableFuture.supplyAsync(
              () -> {
                await(start);
                return node();
              }));
    }
    start.countDown();
    List<MetadataStore> nodes = new ArrayList<>();
    for (CompletableFuture<MetadataStore> open : opening) {
      nodes.add(open.get());
    }
    try {
      assertThat(query("SELECT version FROM tw_schema_version ORDER BY version"))
          .containsExactly("1", "2", "3");

      nodes
          .get(0)
          .putSource(
              new SourceDefinition(
                  "shop", "FILES", Map.of("location", "/data/*.csv"), Instant.now()));
      nodes
          .get(1)
          .putContract("orders_v1", 1, "CREATE CONTRACT orders_v1 (id BIGINT)", Instant.now());
      assertThat(nodes.get(3).source("shop"))
          .get()
          .extracting(SourceDefinition::type)
          .isEqualTo("FILES");
      assertThat(nodes.get(2).contract("orders_v1"))
          .get()
          .extracting(StoredContract::version)
          .isEqualTo(1);
    } finally {
      nodes.forEach(MetadataStore::close);
    }
  }

  @Test
  void racingWritesFromTwoNodesStayConsistent() throws Exception {
    try (MetadataStore first = node();
        MetadataStore second = node()) {
      // Both nodes replace one source over and over: every write succeeds, one row remains.
      List<CompletableFuture<Void>> writes = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        MetadataStore store = i % 2 == 0 ? first : second;
        String location = "/data/" + i;
        writes.add(
            CompletableFuture.runAsync(
                () ->
                    store.putSource(
                        new SourceDefinition(
                            "raced", "FILES", Map.of("location", location), Instant.now()))));
      }
      CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get();
      assertThat(query("SELECT count(*) FROM tw_sources WHERE name = 'raced'"))
          .containsExactly("1");

      // Both create version 1 of one contract: exactly one wins, the other is told to run again.
      AtomicInteger stored = new AtomicInteger();
      ConcurrentLinkedQueue<Throwable> refused = new ConcurrentLinkedQueue<>();
      CountDownLatch go = new CountDownLatch(1);
      List<CompletableFuture<Void>> creates = new ArrayList<>();
      for (MetadataStore store : List.of(first, second, first, second)) {
        creates.add(
            CompletableFuture.runAsync(
                () -> {
                  await(go);
                  try {
                    store.putContract(
                        "raced_v", 1, "CREATE CONTRACT raced_v (id INT)", Instant.now());
                    stored.incrementAndGet();
                  } catch (TidewaterException e) {
                    refused.add(e);
                  }
                }));
      }
      go.countDown();
      CompletableFuture.allOf(creates.toArray(CompletableFuture[]::new)).get();
      assertThat(stored).hasValue(1);
      assertThat(refused)
          .hasSize(3)
          .allSatisfy(e -> assertThat(e).hasMessageContaining("version 1 already exists"));

      // The compare-and-set that settles a load: only one of two nodes wins.
      LoadRecord running =
          new LoadRecord(
              "load-1",
              "shop",
              "iceberg.a.b",
              "APPEND",
              LoadRecord.LoadStatus.RUNNING,
              0,
              0,
              0,
              null,
              null,
              null,
              Instant.now(),
              0,
              null,
              "host/1/1",
              null);
      first.putLoad(running);
      boolean firstWon =
          first.replaceLoadIfStatus(
              running.withOutcome(LoadRecord.LoadStatus.SUCCEEDED, 7L, "10", null),
              LoadRecord.LoadStatus.RUNNING);
      boolean secondWon =
          second.replaceLoadIfStatus(
              running.withOutcome(LoadRecord.LoadStatus.FAILED, null, null, "died"),
              LoadRecord.LoadStatus.RUNNING);
      assertThat(firstWon).isTrue();
      assertThat(secondWon).isFalse();
      assertThat(second.load("load-1"))
          .get()
          .extracting(LoadRecord::status)
          .isEqualTo(LoadRecord.LoadStatus.SUCCEEDED);
    }
  }

  @Test
  void aDatabaseThatIsDownIsAClearErrorAndServesAgainOnceBack() throws Exception {
    try (MetadataStore store = node()) {
      store.putSource(new SourceDefinition("before", "FILES", Map.of("a", "b"), Instant.now()));
      postgres.close();
      try {
        assertThatThrownBy(store::sources)
            .isInstanceOf(TidewaterException.class)
            .hasMessageContaining("the metadata store " + url() + " is unavailable")
            .hasMessageContaining("run the statement again once it is back")
            .hasMessageNotContaining(PASSWORD);
        assertThatThrownBy(() -> MetadataStore.open(url(), "tidewater", PASSWORD))
            .isInstanceOf(TidewaterException.class)
            .hasMessageContaining("is unavailable")
            .hasMessageNotContaining(PASSWORD);
      } finally {
        postgres = start(port);
      }
      assertThat(store.sources()).extracting(SourceDefinition::name).contains("before");
    }
  }

  @Test
  void aSqliteStoreFromBeforeVersioningIsUpgradedInPlace(@TempDir Path dir) throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("old.db");
    try (Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE tw_sources (name VARCHAR(256) PRIMARY KEY, type VARCHAR(64) NOT NULL,"
              + " options TEXT NOT NULL, created_at BIGINT NOT NULL)");
      statement.execute(
          "CREATE TABLE tw_loads (load_id VARCHAR(64) PRIMARY KEY, source VARCHAR(1024) NOT NULL,"
              + " target VARCHAR(1024) NOT NULL, disposition VARCHAR(32) NOT NULL, status"
              + " VARCHAR(16) NOT NULL, rows_read BIGINT, rows_written BIGINT, rows_rejected"
              + " BIGINT, snapshot_id BIGINT, started_at BIGINT NOT NULL, duration_ms BIGINT,"
              + " error TEXT, cursor_before TEXT, cursor_after TEXT)");
      statement.execute(
          "INSERT INTO tw_sources VALUES ('kept', 'FILES', '{\"location\":\"/x\"}', 1)");
    }
    try (MetadataStore store = MetadataStore.open(url)) {
      assertThat(store.source("kept")).isPresent();
    }
    try (MetadataStore again = MetadataStore.open(url);
        Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT count(*) FROM tw_schema_version")) {
      rows.next();
      assertThat(rows.getInt(1)).isEqualTo(MetadataSchema.latestVersion());
      assertThat(again.sources()).extracting(SourceDefinition::name).containsExactly("kept");
    }
  }

  private static List<String> query(String sql) throws Exception {
    try (Connection connection = DriverManager.getConnection(url(), "tidewater", PASSWORD);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      List<String> values = new ArrayList<>();
      while (rows.next()) {
        values.add(rows.getString(1));
      }
      return values;
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
