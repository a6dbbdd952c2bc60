package dev.tidewater.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tidewater.connector.files.FilesConnectorFactory;
import dev.tidewater.iceberg.CatalogRegistry;
import dev.tidewater.planner.load.LoadListener;
import dev.tidewater.planner.metadata.MetadataStore;
import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.Cancellation;
import dev.tidewater.spi.StatementCancelledException;
import dev.tidewater.spi.StatementCancelledException.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DDL and the other statements under their Cancellation: a cancel or a statement_timeout that came
 * before a statement's change stops it with nothing changed; once the change started, a cancel
 * comes too late and changes nothing (the statement passed its point of no return).
 */
class StatementCancellationTest {
  @TempDir Path temp;
  private BufferAllocator allocator;
  private Engine engine;
  private Session session;
  private String loadId;
  private Path csv;

  @BeforeEach
  void start() throws Exception {
    allocator = new RootAllocator();
    Path data = temp.resolve("data");
    engine =
        new Engine(
            new EngineConfig("iceberg", "default", 2, 1024, Map.<String, String>of()::get),
            MetadataStore.openSqlite(data),
            CatalogRegistry.create(Map.of("iceberg", CatalogRegistry.embeddedDefault(data))),
            List.of(new FilesConnectorFactory()),
            allocator);
    csv = temp.resolve("items.csv");
    Files.writeString(csv, "id,name\n1,apple\n2,pear\n");
    session = engine.openSession("test");
    execute("CREATE SOURCE items TYPE FILES WITH (location = '" + csv + "')");
    execute("LOAD items INTO iceberg.shop.items WITH DISPOSITION APPEND");
    execute("LOAD items INTO iceberg.shop.items WITH DISPOSITION APPEND");
    loadId =
        (String) rows("SELECT load_id FROM system.loads ORDER BY started_at DESC").get(0).get(0);
    execute("CREATE CONTRACT items_v1 (id BIGINT NOT NULL, name VARCHAR)");
  }

  @AfterEach
  void stop() {
    session.close();
    engine.close();
    allocator.close();
  }

  @Test
  void aStatementCancelledBeforeItsChangeChangesNothing() {
    List<String> statements =
        List.of(
            "CREATE SOURCE more TYPE FILES WITH (location = '" + csv + "')",
            "CREATE OR REPLACE SOURCE items TYPE FILES WITH (location = '" + temp + "/none.csv')",
            "DROP SOURCE items",
            "CREATE CONTRACT other_v1 (id BIGINT)",
            "DROP CONTRACT items_v1",
            "CREATE NAMESPACE iceberg.fresh",
            "ROLLBACK LOAD '" + loadId + "'",
            "DROP TABLE iceberg.shop.items",
            "SET statement_timeout = '5s'",
            "USE iceberg.shop",
            "LOAD items INTO iceberg.shop.items WITH DISPOSITION APPEND",
            "VALIDATE LOAD items INTO iceberg.shop.items WITH DISPOSITION APPEND",
            "SHOW SOURCES",
            "SELECT count(*) FROM iceberg.shop.items");
    for (String sql : statements) {
      for (Reason reason : Reason.values()) {
        Cancellation cancellation = new Cancellation();
        cancellation.cancel(reason, "stopped before it ran (" + reason + ")");
        StatementCancelledException error =
            catchThrowableOfType(
                StatementCancelledException.class,
                () -> session.execute(sql, allocator, LoadListener.NONE, cancellation).close());
        assertThat(error).as(sql).isNotNull();
        assertThat(error.reason()).as(sql).isEqualTo(reason);
      }
    }

    // Nothing changed: the sources, the contract, the namespaces, the table and its load, the
    // session's settings.
    assertThat(rows("SHOW SOURCES")).extracting(row -> row.get(0)).containsExactly("items");
    assertThat(rows("SHOW CONTRACTS")).extracting(row -> row.get(0)).containsExactly("items_v1");
    assertThat(
            ((SupportsNamespaces) engine.catalogs().catalog("iceberg"))
                .namespaceExists(Namespace.of("fresh")))
        .isFalse();
    assertThat(
            engine.catalogs().catalog("iceberg").tableExists(TableIdentifier.of("shop", "items")))
        .isTrue();
    assertThat(rows("SELECT count(*) FROM iceberg.shop.items")).containsExactly(List.of(4L));
    assertThat(rows("SELECT status FROM system.loads WHERE load_id = '" + loadId + "'"))
        .containsExactly(List.of("SUCCEEDED"));
    assertThat(session.limits().hasTimeout()).isFalse();
    assertThat(session.currentNames()).isEqualTo(new SessionState.Names("iceberg", "default"));
    assertThat(allocator.getAllocatedMemory()).isZero();
  }

  @Test
  void aCancelAfterTheChangeStartedComesTooLate() {
    List<String> statements =
        List.of(
            "CREATE SOURCE more TYPE FILES WITH (location = '" + csv + "')",
            "CREATE NAMESPACE iceberg.fresh",
            "CREATE CONTRACT other_v1 (id BIGINT)",
            "ROLLBACK LOAD '" + loadId + "'",
            "DROP TABLE iceberg.shop.items");
    for (String sql : statements) {
      Cancellation cancellation = new Cancellation();
      session.execute(sql, allocator, LoadListener.NONE, cancellation).close();
      // The statement entered its commit: the cancel is refused, and the change stands.
      assertThat(cancellation.cancel(Reason.CANCELLED, "too late")).as(sql).isFalse();
    }
    assertThat(rows("SHOW SOURCES")).extracting(row -> row.get(0)).contains("more");
    assertThat(
            engine.catalogs().catalog("iceberg").tableExists(TableIdentifier.of("shop", "items")))
        .isFalse();
    assertThat(rows("SELECT status FROM system.loads WHERE load_id = '" + loadId + "'"))
        .containsExactly(List.of("ROLLED_BACK"));
  }

  private void execute(String sql) {
    session.execute(sql, allocator).close();
  }

  private List<List<Object>> rows(String sql) {
    try (ExecutionResult result = session.execute(sql, allocator)) {
      List<List<Object>> rows = new ArrayList<>();
      BatchReader reader = result.rows();
      while (reader.next()) {
        VectorSchemaRoot root = reader.root();
        for (int row = 0; row < root.getRowCount(); row++) {
          List<Object> values = new ArrayList<>();
          for (int column = 0; column < root.getFieldVectors().size(); column++) {
            Object value = root.getVector(column).getObject(row);
            values.add(value == null ? null : value instanceof Number ? value : value.toString());
          }
          rows.add(values);
        }
      }
      return rows;
    }
  }
}
