package dev.tidewater.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.connector.files.FilesConnectorFactory;
import dev.tidewater.iceberg.CatalogRegistry;
import dev.tidewater.planner.metadata.MetadataStore;
import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.TidewaterException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** USE / SET CATALOG / SET SCHEMA: each session's current names, for queries, LOAD and SHOW. */
class UseStatementTest {
  @TempDir Path temp;
  private BufferAllocator allocator;
  private Engine engine;

  @BeforeEach
  void start() throws Exception {
    allocator = new RootAllocator();
    Path data = temp.resolve("data");
    engine =
        new Engine(
            new EngineConfig("iceberg", "default", 2, 1024, Map.<String, String>of()::get),
            MetadataStore.openSqlite(data),
            CatalogRegistry.create(
                Map.of(
                    "iceberg", CatalogRegistry.embeddedDefault(data),
                    "lake", CatalogRegistry.embeddedDefault(temp.resolve("lake")))),
            List.of(new FilesConnectorFactory()),
            allocator);
    Path csv = temp.resolve("items.csv");
    Files.writeString(csv, "id,name\n1,apple\n2,pear\n");
    Path one = temp.resolve("one.csv");
    Files.writeString(one, "id,name\n1,apple\n");
    try (Session session = engine.openSession("setup")) {
      execute(session, "CREATE SOURCE items TYPE FILES WITH (location = '" + csv + "')");
      execute(session, "LOAD items INTO iceberg.shop.items WITH DISPOSITION APPEND");
      execute(session, "CREATE SOURCE single TYPE FILES WITH (location = '" + one + "')");
      execute(session, "LOAD single INTO iceberg.ops.items WITH DISPOSITION APPEND");
      execute(session, "LOAD items INTO lake.shop.items WITH DISPOSITION APPEND");
      execute(session, "LOAD items INTO lake.shop.items WITH DISPOSITION APPEND");
    }
  }

  @AfterEach
  void stop() {
    engine.close();
    allocator.close();
  }

  @Test
  void setStatementTimeoutIsPerSessionAndBadValuesAreErrors() {
    try (Session timed = engine.openSession("a");
        Session other = engine.openSession("b")) {
      execute(timed, "SET statement_timeout = '1.5s'");
      assertThat(timed.limits().timeout()).isEqualTo(java.time.Duration.ofMillis(1500));
      assertThat(other.limits().hasTimeout()).isFalse();
      execute(timed, "SET statement_timeout = 250");
      assertThat(timed.limits().timeout()).isEqualTo(java.time.Duration.ofMillis(250));
      execute(timed, "RESET statement_timeout");
      assertThat(timed.limits().hasTimeout()).isFalse();

      assertThatThrownBy(() -> execute(timed, "SET statement_timeout = 'soon'"))
          .isInstanceOf(TidewaterException.class)
          .hasMessageContaining("statement_timeout must be a duration such as '30s'");
      assertThatThrownBy(() -> execute(timed, "SET work_mem = '1GB'"))
          .isInstanceOf(TidewaterException.class)
          .hasMessageContaining("unknown session option work_mem");
    }
  }

  @Test
  void twoSessionsKeepTheirOwnNamespace() {
    try (Session shop = engine.openSession("a");
        Session ops = engine.openSession("b")) {
      execute(shop, "USE shop");
      execute(ops, "SET SCHEMA ops");
      assertThat(rows(shop, "SELECT count(*) FROM items")).containsExactly(List.of(2L));
      assertThat(rows(ops, "SELECT count(*) FROM items")).containsExactly(List.of(1L));
      assertThat(shop.currentNames()).isEqualTo(new SessionState.Names("iceberg", "shop"));
      assertThat(ops.currentNames()).isEqualTo(new SessionState.Names("iceberg", "ops"));
    }
  }

  @Test
  void useCatalogAndNamespaceAppliesToLoadAndShow() {
    try (Session session = engine.openSession("a")) {
      execute(session, "USE lake.shop");
      assertThat(rows(session, "SELECT count(*) FROM items")).containsExactly(List.of(4L));
      execute(session, "LOAD items INTO more WITH DISPOSITION APPEND");
      assertThat(rows(session, "SHOW TABLES IN shop"))
          .containsExactlyInAnyOrder(
              List.of("lake", "shop", "items"), List.of("lake", "shop", "more"));
      execute(session, "SET CATALOG iceberg");
      assertThat(session.currentNames()).isEqualTo(new SessionState.Names("iceberg", "shop"));
      assertThat(rows(session, "SELECT count(*) FROM items")).containsExactly(List.of(2L));
    }
  }

  @Test
  void unknownCatalogIsAClearErrorAndChangesNothing() {
    try (Session session = engine.openSession("a")) {
      execute(session, "USE shop");
      assertThatThrownBy(() -> execute(session, "SET CATALOG nowhere"))
          .isInstanceOf(TidewaterException.class)
          .hasMessageContaining("unknown catalog nowhere")
          .hasMessageContaining("lake");
      assertThatThrownBy(() -> session.use("nowhere", null))
          .hasMessageContaining("unknown catalog nowhere");
      assertThat(session.currentNames()).isEqualTo(new SessionState.Names("iceberg", "shop"));
      session.use("lake", null);
      assertThat(rows(session, "SELECT count(*) FROM items")).containsExactly(List.of(4L));
    }
  }

  private void execute(Session session, String sql) {
    session.execute(sql, allocator).close();
  }

  private List<List<Object>> rows(Session session, String sql) {
    try (ExecutionResult result = session.execute(sql, allocator)) {
      List<List<Object>> rows = new ArrayList<>();
      BatchReader reader = result.rows();
      while (reader.next()) {
        VectorSchemaRoot root = reader.root();
        for (int row = 0; row < root.getRowCount(); row++) {
          List<Object> values = new ArrayList<>();
          for (int column = 0; column < root.getFieldVectors().size(); column++) {
            Object value = root.getVector(column).getObject(row);
            values.add(
                value instanceof org.apache.arrow.vector.util.Text ? value.toString() : value);
          }
          rows.add(values);
        }
      }
      return rows;
    }
  }
}
