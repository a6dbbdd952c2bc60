package dev.tidewater.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.connector.files.FilesConnectorFactory;
import dev.tidewater.iceberg.CatalogRegistry;
import dev.tidewater.planner.load.Cursors;
import dev.tidewater.planner.metadata.MetadataStore;
import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.TidewaterException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.iceberg.catalog.TableIdentifier;
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

  @Test
  void incrementalLoadsMoveTheCursorOnlyWithTheData() throws Exception {
    Path csv = temp.resolve("events.csv");
    Files.writeString(csv, "id,seq\n1,10\n2,20\n3,30\n");
    execute("CREATE SOURCE events TYPE FILES WITH (location = '" + csv + "')");
    String load = "LOAD events INTO app.events WITH DISPOSITION APPEND INCREMENTAL ON seq";
    assertThat(rows(load).get(0).get(3)).isEqualTo(3L);

    Files.writeString(csv, "id,seq\n1,10\n2,20\n3,30\n4,40\n5,50\n");
    List<Object> second = rows(load).get(0);
    assertThat(second.subList(2, 4)).containsExactly(5L, 2L);
    assertThat(rows(load).get(0).get(3)).isEqualTo(0L);
    assertThat(rows("SELECT count(*), max(seq) FROM app.events")).containsExactly(List.of(5L, 50L));
    assertThat(cursor("app.events", "events")).isEqualTo("50");
    assertThat(
            rows(
                "SELECT cursor_before, cursor_after FROM system.loads WHERE load_id = '"
                    + second.get(0)
                    + "'"))
        .containsExactly(List.of("30", "50"));

    // A failing load moves nothing: not the data, not the cursor.
    Files.writeString(csv, "id,seq\n6,60\n7,70,oops\n");
    assertThatThrownBy(() -> rows(load)).hasMessageContaining("events.csv:3");
    assertThat(cursor("app.events", "events")).isEqualTo("50");

    // Rolling back the latest load rolls its cursor back too; the next load takes the rows again.
    Files.writeString(csv, "id,seq\n6,60\n7,70\n");
    List<Object> third = rows(load).get(0);
    assertThat(third.get(3)).isEqualTo(2L);
    execute("ROLLBACK LOAD '" + third.get(0) + "'");
    assertThat(cursor("app.events", "events")).isEqualTo("50");
    assertThat(rows("SELECT count(*) FROM app.events")).containsExactly(List.of(5L));
    assertThatThrownBy(() -> execute("ROLLBACK LOAD '" + second.get(0) + "'"))
        .hasMessageContaining("not the latest commit");
    assertThat(rows(load).get(0).get(3)).isEqualTo(2L);
    assertThat(rows("SELECT count(*) FROM app.events")).containsExactly(List.of(7L));
  }

  @Test
  void initialLagAndBackfillChooseTheWindow() throws Exception {
    Path csv = temp.resolve("ticks.csv");
    Files.writeString(csv, "n\n1\n2\n3\n4\n5\n");
    execute("CREATE SOURCE ticks TYPE FILES WITH (location = '" + csv + "')");
    assertThat(
            rows("LOAD ticks INTO app.ticks WITH DISPOSITION APPEND INCREMENTAL ON n INITIAL 3")
                .get(0)
                .get(3))
        .isEqualTo(3L);
    assertThat(cursor("app.ticks", "ticks")).isEqualTo("5");
    // LAG 1 reloads from cursor - 1 (inclusive): the rows 4 and 5.
    assertThat(
            rows("LOAD ticks INTO app.ticks WITH DISPOSITION APPEND INCREMENTAL ON n LAG 1")
                .get(0)
                .get(3))
        .isEqualTo(2L);
    // A backfill takes [1, 3) and leaves the cursor alone.
    assertThat(
            rows("LOAD ticks INTO app.ticks WITH DISPOSITION APPEND INCREMENTAL ON n"
                    + " BACKFILL FROM 1 TO 3")
                .get(0)
                .get(3))
        .isEqualTo(2L);
    assertThat(cursor("app.ticks", "ticks")).isEqualTo("5");
    assertThat(rows("SELECT n, count(*) FROM app.ticks GROUP BY n ORDER BY n"))
        .containsExactly(
            List.of(1L, 1L), List.of(2L, 1L), List.of(3L, 1L), List.of(4L, 2L), List.of(5L, 2L));
    assertThat(rows("EXPLAIN LOAD ticks INTO app.ticks WITH DISPOSITION APPEND INCREMENTAL ON n"))
        .extracting(row -> (String) row.get(0))
        .anyMatch(line -> line.contains("Cursor: n in (5, +inf)"));
    assertThatThrownBy(
            () -> execute("LOAD ticks INTO app.ticks WITH DISPOSITION APPEND INCREMENTAL ON nope"))
        .hasMessageContaining("'nope' is not a column");
  }

  @Test
  void newSourceColumnsAreAddedToTheTable() throws Exception {
    Path csv = temp.resolve("people.csv");
    Files.writeString(csv, "id,name\n1,Ann\n");
    execute("CREATE SOURCE people TYPE FILES WITH (location = '" + csv + "')");
    rows("LOAD people INTO app.people WITH DISPOSITION APPEND");
    Files.writeString(csv, "id,name,city\n2,Bob,Oslo\n");
    assertThat(rows("EXPLAIN LOAD people INTO app.people WITH DISPOSITION APPEND"))
        .extracting(row -> (String) row.get(0))
        .anyMatch(line -> line.contains("add column city VARCHAR"));
    rows("LOAD people INTO app.people WITH DISPOSITION APPEND");
    assertThat(rows("SELECT id, name, city FROM app.people ORDER BY id"))
        .containsExactly(Arrays.asList(1L, "Ann", null), List.of(2L, "Bob", "Oslo"));
    // A column the source no longer has is written as null, never dropped.
    Files.writeString(csv, "id\n3\n");
    rows("LOAD people INTO app.people WITH DISPOSITION APPEND");
    assertThat(rows("SELECT count(*), count(city) FROM app.people"))
        .containsExactly(List.of(3L, 1L));
  }

  @Test
  void mergeUpsertsAndDeletesByKeyInBothModes() throws Exception {
    for (String mode : List.of("merge-on-read", "copy-on-write")) {
      String table = "app.customers_" + mode.replace('-', '_');
      Path csv = temp.resolve("customers-" + mode + ".csv");
      Files.writeString(csv, "id,name,op\n1,Ann,U\n2,Bob,U\n3,Cid,U\n");
      execute("CREATE OR REPLACE SOURCE customers TYPE FILES WITH (location = '" + csv + "')");
      String merge =
          "LOAD customers INTO "
              + table
              + " WITH DISPOSITION MERGE ON (id) DELETE WHEN op = 'D' WITH (merge_mode = '"
              + mode
              + "')";
      rows(merge);
      assertThat(rows("DESCRIBE TABLE " + table))
          .extracting(row -> row.get(0) + " " + row.get(2))
          .contains("id false");

      Files.writeString(csv, "id,name,op\n2,Bobby,U\n4,Dee,U\n3,Cid,D\n");
      List<Object> outcome = rows(merge).get(0);
      assertThat(outcome.subList(1, 3)).containsExactly("SUCCEEDED", 3L);
      assertThat(rows("SELECT id, name FROM " + table + " ORDER BY id"))
          .containsExactly(List.of(1L, "Ann"), List.of(2L, "Bobby"), List.of(4L, "Dee"));
      assertThat(
              rows("EXPLAIN " + merge).stream()
                  .map(row -> (String) row.get(0))
                  .filter(line -> line.contains("merge on (id) — " + mode))
                  .count())
          .isEqualTo(1);

      Files.writeString(csv, "id,name,op\n5,Eve,U\n5,Eva,U\n");
      assertThatThrownBy(() -> rows(merge)).hasMessageContaining("(id) = 5");
      assertThat(rows("SELECT count(*) FROM " + table)).containsExactly(List.of(3L));
    }
  }

  @Test
  void dedupByPicksOneRowPerKey() throws Exception {
    Path csv = temp.resolve("versions.csv");
    Files.writeString(csv, "id,version,name\n1,1,a\n1,3,c\n2,1,x\n1,2,b\n2,1,y\n");
    execute("CREATE SOURCE versions TYPE FILES WITH (location = '" + csv + "')");
    List<Object> desc =
        rows("LOAD versions INTO app.latest WITH DISPOSITION MERGE ON (id) DEDUP BY version DESC")
            .get(0);
    assertThat(desc.subList(2, 4)).containsExactly(5L, 2L);
    // The largest version wins; of equal versions, the later row.
    assertThat(rows("SELECT id, name FROM app.latest ORDER BY id"))
        .containsExactly(List.of(1L, "c"), List.of(2L, "y"));
    rows("LOAD versions INTO app.latest WITH DISPOSITION MERGE ON (id) DEDUP BY version ASC");
    assertThat(rows("SELECT id, name FROM app.latest ORDER BY id"))
        .containsExactly(List.of(1L, "a"), List.of(2L, "y"));
    assertThatThrownBy(
            () -> execute("LOAD versions INTO app.other WITH DISPOSITION APPEND DEDUP BY version"))
        .isInstanceOf(TidewaterException.class);
  }

  @Test
  void contractsAreCreatedShownDescribedAndDropped() {
    execute(
        "CREATE CONTRACT orders_v1 (\n"
            + "  id BIGINT NOT NULL,\n"
            + "  amount DECIMAL(12,2) CHECK (amount >= 0),\n"
            + "  status VARCHAR CHECK (status IN ('new', 'paid', 'void')),\n"
            + "  UNIQUE (id)\n"
            + ") WITH (columns = 'freeze', data_type = 'discard_row')");
    assertThat(rows("SHOW CONTRACTS")).hasSize(1);
    assertThat(rows("DESCRIBE CONTRACT orders_v1"))
        .extracting(row -> String.valueOf(row.get(0)))
        .contains("id", "amount", "status");
    execute("CREATE OR REPLACE CONTRACT orders_v1 (id BIGINT NOT NULL)");
    assertThatThrownBy(() -> execute("CREATE CONTRACT bad (\n  qty BIGINT CHECK (quantity > 0)\n)"))
        .hasMessageContaining("quantity")
        .hasMessageContaining("line 2");
    execute("DROP CONTRACT orders_v1");
    assertThat(rows("SHOW CONTRACTS")).isEmpty();
  }

  @Test
  void loadsUsingAContractAbortSkipOrQuarantine() throws Exception {
    Path csv = temp.resolve("payments.csv");
    Files.writeString(
        csv, "id,amount,status\n1,10.50,new\n2,-3.00,paid\n,5.00,new\n4,7.25,bogus\n5,1.00,void\n");
    execute("CREATE SOURCE payments TYPE FILES WITH (location = '" + csv + "')");
    execute(
        "CREATE CONTRACT payments_v1 (id BIGINT NOT NULL, amount DECIMAL(12,2) CHECK (amount >="
            + " 0), status VARCHAR CHECK (status IN ('new', 'paid', 'void')))");
    String load = "LOAD payments INTO pay.ok WITH DISPOSITION APPEND USING CONTRACT payments_v1";

    List<List<Object>> report = rows("VALIDATE " + load);
    assertThat(report)
        .filteredOn(row -> row.get(0).equals("violation"))
        .extracting(row -> row.get(3))
        .containsExactly("payments.csv:3", "payments.csv:4", "payments.csv:5");
    assertThat(report)
        .filteredOn(row -> row.get(0).equals("rows_read") || row.get(0).equals("rows_accepted"))
        .extracting(row -> row.get(6))
        .containsExactly(5L, 2L);
    assertThat(engine.catalogs().catalog("iceberg").tableExists(TableIdentifier.of("pay", "ok")))
        .isFalse();

    assertThatThrownBy(() -> rows(load))
        .hasMessageContaining("payments.csv:3")
        .hasMessageContaining("amount >= 0");
    assertThat(engine.catalogs().catalog("iceberg").tableExists(TableIdentifier.of("pay", "ok")))
        .isFalse();

    List<Object> skipped = rows(load + " ON ERROR SKIP").get(0);
    assertThat(skipped.subList(2, 5)).containsExactly(5L, 2L, 3L);
    assertThat(
            rows(
                "SELECT sum(\"rows\") FROM system.load_errors WHERE load_id = '"
                    + skipped.get(0)
                    + "'"))
        .containsExactly(List.of(3L));
    assertThat(rows("SELECT id FROM pay.ok ORDER BY id")).containsExactly(List.of(1L), List.of(5L));

    List<Object> quarantined =
        rows("LOAD payments INTO pay.q WITH DISPOSITION APPEND USING CONTRACT payments_v1"
                + " ON ERROR QUARANTINE")
            .get(0);
    assertThat(quarantined.subList(2, 5)).containsExactly(5L, 2L, 3L);
    assertThat(
            rows("SELECT source_position, load_id FROM pay.q__rejected ORDER BY source_position"))
        .containsExactly(
            List.of("payments.csv:3", quarantined.get(0)),
            List.of("payments.csv:4", quarantined.get(0)),
            List.of("payments.csv:5", quarantined.get(0)));

    assertThatThrownBy(() -> rows(load + " ON ERROR SKIP ERROR LIMIT 2"))
        .hasMessageContaining("ERROR LIMIT");
    assertThatThrownBy(() -> rows(load + " ON ERROR SKIP ERROR LIMIT 50 PERCENT"))
        .hasMessageContaining("ERROR LIMIT");
    assertThat(rows("SELECT count(*) FROM pay.ok")).containsExactly(List.of(2L));
  }

  @Test
  void malformedLinesGoThroughTheQuarantineToo() throws Exception {
    Path csv = temp.resolve("broken.csv");
    Files.writeString(
        csv,
        "id,amount,status\n1,10.00,new\n2,5.00,paid\n3,abc,new\n4,1.00,void,extra\n5,2.00,new\n");
    execute("CREATE SOURCE broken TYPE FILES WITH (location = '" + csv + "', sample_rows = 2)");
    execute("CREATE CONTRACT broken_v1 (id BIGINT NOT NULL)");
    String load = "LOAD broken INTO pay.broken WITH DISPOSITION APPEND USING CONTRACT broken_v1";
    assertThatThrownBy(() -> rows(load)).hasMessageContaining("broken.csv:4");
    assertThat(rows("VALIDATE " + load))
        .filteredOn(row -> row.get(0).equals("violation"))
        .extracting(row -> row.get(1) + " " + row.get(3))
        .containsExactly("parse broken.csv:4", "parse broken.csv:5");
    List<Object> loaded = rows(load + " ON ERROR QUARANTINE").get(0);
    assertThat(loaded.subList(2, 5)).containsExactly(5L, 3L, 2L);
    assertThat(
            rows("SELECT source_position, rule FROM pay.broken__rejected ORDER BY source_position"))
        .containsExactly(List.of("broken.csv:4", "parse"), List.of("broken.csv:5", "parse"));
    assertThat(rows("SELECT id FROM pay.broken ORDER BY id"))
        .containsExactly(List.of(1L), List.of(2L), List.of(5L));

    Path jsonl = temp.resolve("broken.jsonl");
    Files.writeString(
        jsonl,
        "{\"id\": 1, \"n\": 5}\n{\"id\": 2, \"n\": 6}\n"
            + "{\"id\": 3, \"n\": {\"deep\": [1, 2]}, \"m\": 1}\n{\"id\": 4, \"n\": 7}\n");
    execute("CREATE SOURCE brokenj TYPE FILES WITH (location = '" + jsonl + "', sample_rows = 2)");
    List<Object> json =
        rows("LOAD brokenj INTO pay.brokenj WITH DISPOSITION APPEND USING CONTRACT broken_v1"
                + " ON ERROR QUARANTINE")
            .get(0);
    assertThat(json.subList(2, 5)).containsExactly(4L, 3L, 1L);
    assertThat(rows("SELECT source_position FROM pay.brokenj__rejected"))
        .containsExactly(List.of("broken.jsonl:3"));
    assertThat(rows("SELECT id, n FROM pay.brokenj ORDER BY id"))
        .containsExactly(List.of(1L, 5L), List.of(2L, 6L), List.of(4L, 7L));
  }

  private String cursor(String table, String source) {
    String[] parts = table.split("\\.");
    return Cursors.last(
            engine.catalogs().catalog("iceberg").loadTable(TableIdentifier.of(parts[0], parts[1])),
            source)
        .orElse(null);
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
