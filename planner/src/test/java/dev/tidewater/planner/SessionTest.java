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
import org.apache.arrow.vector.types.pojo.Field;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Statements through a planner session, without the Flight layer. */
class SessionTest {
  @TempDir Path temp;
  private BufferAllocator allocator;
  private Engine engine;
  private Session session;

  @BeforeEach
  void start() {
    allocator = new RootAllocator();
    Path data = temp.resolve("data");
    engine =
        new Engine(
            new EngineConfig("iceberg", "default", 2, 3, Map.of("SECRET_TOKEN", "abc")::get),
            MetadataStore.openSqlite(data),
            CatalogRegistry.create(Map.of("iceberg", CatalogRegistry.embeddedDefault(data))),
            List.of(new FilesConnectorFactory()),
            allocator);
    session = engine.openSession("test");
  }

  @AfterEach
  void stop() {
    session.close();
    engine.close();
    allocator.close();
  }

  @Test
  void loadsAppendsReplacesAndQueries() throws Exception {
    Path csv = temp.resolve("items.csv");
    Files.writeString(csv, "id,name,price\n1,apple,1.50\n2,pear,2.25\n3,plum,0.75\n4,fig,3.00\n");
    execute("CREATE SOURCE items TYPE FILES WITH (location = '" + csv + "')");
    List<List<Object>> load = rows("LOAD items INTO shop.items WITH DISPOSITION APPEND");
    assertThat(load.get(0).subList(1, 5)).containsExactly("SUCCEEDED", 4L, 4L, 0L);
    rows("LOAD items INTO iceberg.shop.items WITH DISPOSITION APPEND");
    assertThat(rows("SELECT count(*) FROM shop.items")).containsExactly(List.of(8L));
    rows("LOAD items INTO shop.items WITH DISPOSITION REPLACE");
    assertThat(rows("SELECT name FROM iceberg.shop.items WHERE id >= 3 ORDER BY id"))
        .containsExactly(List.of("plum"), List.of("fig"));
    assertThat(rows("SELECT * FROM items WHERE id = 2")).hasSize(1);
    assertThat(rows("SHOW TABLES IN shop")).containsExactly(List.of("iceberg", "shop", "items"));
    assertThat(rows("DESCRIBE TABLE shop.items"))
        .extracting(row -> row.get(0) + " " + row.get(1))
        .containsExactly("id BIGINT", "name VARCHAR", "price DECIMAL(18, 2)");
    assertThat(rows("SHOW LOADS FOR shop.items")).hasSize(3);
    assertThat(rows("EXPLAIN LOAD items INTO shop.items WITH DISPOSITION APPEND"))
        .extracting(row -> (String) row.get(0))
        .anyMatch(line -> line.contains("Extract: FILES source 'items'"));
    assertThat(session.describe("SELECT id, name FROM shop.items").getFields())
        .extracting(Field::getName)
        .containsExactly("id", "name");
  }

  @Test
  void masksSecretsAndResolvesEnvironmentOnlyAtExecution() {
    execute(
        "CREATE SOURCE secretive TYPE FILES WITH (location = '/tmp/x.csv',"
            + " \"s3.secret-access-key\" = 'hunter2')");
    List<List<Object>> sources = rows("SHOW SOURCES");
    assertThat(sources.get(0).get(2).toString()).doesNotContain("hunter2").contains("********");
  }

  @Test
  void errorsNamePositions() {
    assertThatThrownBy(() -> execute("SELECT FROM"))
        .isInstanceOf(TidewaterException.class)
        .hasMessageContaining("line 1, column");
    assertThatThrownBy(() -> execute("LOAD nope INTO t WITH DISPOSITION APPEND"))
        .hasMessageContaining("unknown source 'nope'")
        .hasMessageContaining("line 1, column 6");
    assertThatThrownBy(() -> execute("SELECT * FROM nothing_here"))
        .hasMessageContaining("Object 'nothing_here' not found");
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
