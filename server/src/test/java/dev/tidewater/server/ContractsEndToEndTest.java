package dev.tidewater.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Date;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
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
 * Data contracts as a user meets them: CREATE CONTRACT, LOAD ... USING CONTRACT with every ON ERROR
 * mode, VALIDATE LOAD and the history tables, over the Flight SQL JDBC driver against a real
 * server; the tables are read back with Iceberg's own reader as another engine would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContractsEndToEndTest {
  /**
   * Messy product data: numbers as text, nulls, a column with a space, out-of-range values, a
   * column the contract lacks (note), a repeated key and a line that is not JSON.
   */
  private static final String PRODUCTS =
      String.join(
          "\n",
          // 1: valid; note is a column the contract lacks
          "{\"sku\": \"A1\", \"price\": 12.5, \"Release Date\": \"2024-01-15\", \"quantity\": 3,"
              + " \"note\": \"first\"}",
          // 2: valid; the price is text, and a lossless DECIMAL
          "{\"sku\": \"A2\", \"price\": \"12.50\", \"Release Date\": \"2024-02-01\","
              + " \"quantity\": 5}",
          // 3: type(price)
          "{\"sku\": \"A3\", \"price\": \"n/a\", \"Release Date\": null, \"quantity\": 1}",
          // 4: not_null(sku)
          "{\"sku\": null, \"price\": 4, \"Release Date\": \"2024-03-01\", \"quantity\": 2}",
          // 5: type(quantity INTEGER): above the range of an INTEGER
          "{\"sku\": \"A5\", \"price\": 1.0, \"Release Date\": \"2024-03-02\","
              + " \"quantity\": 3000000000}",
          // 6: check(quantity BETWEEN 0 AND 1000)
          "{\"sku\": \"A6\", \"price\": 2, \"Release Date\": \"2024-03-03\", \"quantity\": 5000}",
          // 7: parse
          "this line is not JSON at all",
          // 8: type("Release Date" DATE), check(price >= 0), check(quantity BETWEEN ...)
          "{\"sku\": \"A8\", \"price\": -1, \"Release Date\": \"2024-13-45\", \"quantity\": -4}",
          // 9: unique(sku): A1 again
          "{\"sku\": \"A1\", \"price\": 3, \"Release Date\": \"2024-04-01\", \"quantity\": 1}",
          // 10: valid; nulls pass the CHECKs
          "{\"sku\": \"A10\", \"price\": null, \"Release Date\": \"2024-04-02\", \"quantity\": null,"
              + " \"note\": \"nulls\"}",
          "");

  private static final String PRODUCTS_CONTRACT =
      "CREATE CONTRACT products_v1 (\n"
          + "  sku VARCHAR NOT NULL,\n"
          + "  price DECIMAL(10,2) CHECK (price >= 0),\n"
          + "  \"Release Date\" DATE,\n"
          + "  quantity INTEGER CHECK (quantity BETWEEN 0 AND 1000),\n"
          + "  UNIQUE (sku)\n"
          + ") WITH (data_type = 'freeze')";

  private static final String QUANTITY_CHECK = "check(quantity BETWEEN 0 AND 1000)";

  private Path temp;
  private TidewaterServerFixture server;
  private Connection connection;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    temp = dir;
    server = new TidewaterServerFixture(temp.resolve("data"));
    connection = server.connect();
    Path products = write("products.jsonl", PRODUCTS);
    execute("CREATE SOURCE products TYPE FILES WITH (location = '" + products + "')");
    execute(PRODUCTS_CONTRACT);
    Path good = write("valid.jsonl", "{\"sku\": \"V1\", \"price\": 1, \"quantity\": 1}\n");
    execute("CREATE SOURCE good_for_validate TYPE FILES WITH (location = '" + good + "')");
  }

  @AfterAll
  void stop() throws Exception {
    try {
      connection.close();
    } finally {
      server.close();
    }
  }

  @Test
  void skipKeepsTheValidRowsAndCountsEveryRule() throws Exception {
    List<Object> load =
        single(
            "LOAD products INTO iceberg.messy.skipped WITH DISPOSITION APPEND"
                + " USING CONTRACT products_v1 ON ERROR SKIP");
    assertThat(load.get(1)).isEqualTo("SUCCEEDED");
    assertThat(load.subList(2, 5)).containsExactly(10L, 3L, 7L);
    assertThat((Long) load.get(2)).isEqualTo((Long) load.get(3) + (Long) load.get(4));

    assertThat(
            query(
                "SELECT sku, price, \"Release Date\", quantity, note FROM messy.skipped"
                    + " ORDER BY sku"))
        .containsExactly(
            row("A1", new BigDecimal("12.50"), Date.valueOf("2024-01-15"), 3, "first"),
            row("A10", null, Date.valueOf("2024-04-02"), null, "nulls"),
            row("A2", new BigDecimal("12.50"), Date.valueOf("2024-02-01"), 5, null));
    assertThat(ruleCounts((String) load.get(0))).isEqualTo(expectedRuleCounts());
    assertThat(tableExists("messy", "skipped__rejected")).isFalse();

    // Another engine reads the same rows, with the contract's types.
    Table table = table("messy", "skipped");
    assertThat(table.schema().findField("quantity").type().toString()).isEqualTo("int");
    assertThat(table.schema().findField("price").type().toString()).isEqualTo("decimal(10, 2)");
    assertThat(read(table))
        .extracting(record -> record.getField("sku"))
        .containsExactlyInAnyOrder("A1", "A2", "A10");
  }

  @Test
  void quarantineKeepsEveryRejectedRowWithItsPositionRuleAndText() throws Exception {
    List<Object> load =
        single(
            "LOAD products INTO iceberg.messy.quarantined WITH DISPOSITION APPEND"
                + " USING CONTRACT products_v1 ON ERROR QUARANTINE");
    String loadId = (String) load.get(0);
    assertThat(load.subList(2, 5)).containsExactly(10L, 3L, 7L);
    assertThat((Long) load.get(2)).isEqualTo((Long) load.get(3) + (Long) load.get(4));
    assertThat(query("SELECT sku FROM messy.quarantined ORDER BY sku"))
        .containsExactly(List.of("A1"), List.of("A10"), List.of("A2"));
    assertThat(ruleCounts(loadId)).isEqualTo(expectedRuleCounts());

    List<List<Object>> rejected =
        query(
            "SELECT source_position, rule, load_id, source FROM messy.quarantined__rejected"
                + " ORDER BY source_position");
    assertThat(rejected)
        .containsExactly(
            List.of("products.jsonl:3", "type(price DECIMAL(10, 2))", loadId, "products"),
            List.of("products.jsonl:4", "not_null(sku)", loadId, "products"),
            List.of("products.jsonl:5", "type(quantity INTEGER)", loadId, "products"),
            List.of("products.jsonl:6", QUANTITY_CHECK, loadId, "products"),
            List.of("products.jsonl:7", "parse", loadId, "products"),
            List.of("products.jsonl:8", "type(\"Release Date\" DATE)", loadId, "products"),
            List.of("products.jsonl:9", "unique(sku)", loadId, "products"));

    Map<String, List<Object>> byPosition = new LinkedHashMap<>();
    for (List<Object> row :
        query(
            "SELECT source_position, reason, row_json, raw_record"
                + " FROM messy.quarantined__rejected")) {
      byPosition.put((String) row.get(0), row.subList(1, 4));
    }
    // The line that is not JSON keeps its text, and has no values.
    assertThat((String) byPosition.get("products.jsonl:7").get(0)).startsWith("malformed JSON");
    assertThat(byPosition.get("products.jsonl:7").get(1)).isNull();
    assertThat(byPosition.get("products.jsonl:7").get(2)).isEqualTo("this line is not JSON at all");
    // A row keeps its values as the load read them, before casts.
    assertThat((String) byPosition.get("products.jsonl:3").get(1))
        .contains("\"sku\":\"A3\"")
        .contains("\"price\":\"n/a\"");
    assertThat(byPosition.get("products.jsonl:3").get(2)).isNull();
    assertThat((String) byPosition.get("products.jsonl:5").get(1)).contains("3000000000");
    // A row that breaks several rules lists each of them in its reason.
    assertThat((String) byPosition.get("products.jsonl:8").get(0))
        .contains("2024-13-45")
        .contains("price >= 0")
        .contains("quantity BETWEEN 0 AND 1000");
    assertThat((String) byPosition.get("products.jsonl:8").get(1))
        .contains("\"Release Date\":\"2024-13-45\"");

    // Other engines see the same rejected rows, in one snapshot marked with the load.
    Table quarantine = table("messy", "quarantined__rejected");
    assertThat(read(quarantine))
        .extracting(record -> record.getField("source_position") + " " + record.getField("rule"))
        .hasSize(7)
        .contains("products.jsonl:7 parse", "products.jsonl:9 unique(sku)");
    assertThat(quarantine.currentSnapshot().summary())
        .containsEntry("tidewater.load-id", loadId)
        .containsEntry("tidewater.rows-rejected", "7");
    assertThat(table("messy", "quarantined").currentSnapshot().summary())
        .containsEntry("tidewater.load-id", loadId)
        .containsEntry("tidewater.rows-read", "10")
        .containsEntry("tidewater.rows-written", "3")
        .containsEntry("tidewater.rows-rejected", "7");
  }

  @Test
  void abortCommitsNothingAndNamesThePositionTheRuleAndTheRow() throws Exception {
    Path strict =
        write(
            "strict.jsonl",
            "{\"sku\": \"B1\", \"price\": 5, \"quantity\": 1}\n"
                + "{\"sku\": \"B2\", \"price\": -3, \"quantity\": 2}\n"
                + "{\"sku\": \"B3\", \"price\": 7, \"quantity\": 3}\n");
    execute("CREATE SOURCE strict_products TYPE FILES WITH (location = '" + strict + "')");
    String load =
        "LOAD strict_products INTO iceberg.strict.products WITH DISPOSITION APPEND"
            + " USING CONTRACT products_v1";

    // ABORT is the default: a first load that aborts leaves no table (and no quarantine) behind.
    assertThatThrownBy(() -> query(load))
        .hasMessageContaining(
            "strict.jsonl:2: contract 'products_v1' rule check(price >= 0): CHECK (price >= 0) is"
                + " false")
        // price and quantity are read as text for the contract's types, so their values are text
        .hasMessageContaining("the row: {\"sku\":\"B2\",\"price\":\"-3\",\"quantity\":\"2\"}")
        .hasMessageContaining("nothing is committed");
    assertThat(tableExists("strict", "products")).isFalse();
    assertThat(tableExists("strict", "products__rejected")).isFalse();

    // An existing table keeps its snapshot and its rows after an aborted load.
    Path good = write("good.jsonl", "{\"sku\": \"G1\", \"price\": 1, \"quantity\": 1}\n");
    execute("CREATE SOURCE good_products TYPE FILES WITH (location = '" + good + "')");
    query(
        "LOAD good_products INTO iceberg.strict.products WITH DISPOSITION APPEND"
            + " USING CONTRACT products_v1");
    long before = table("strict", "products").currentSnapshot().snapshotId();
    assertThatThrownBy(() -> query(load + " ON ERROR ABORT"))
        .hasMessageContaining("strict.jsonl:2")
        .hasMessageContaining("check(price >= 0)");
    // The messy file: its line that is not JSON is met while its batch is read, before the
    // batch's rows (line 3 is the first that breaks the contract) are validated.
    assertThatThrownBy(
            () ->
                query(
                    "LOAD products INTO iceberg.strict.products WITH DISPOSITION APPEND"
                        + " USING CONTRACT products_v1"))
        .hasMessageContaining("products.jsonl:7: malformed JSON");
    Table table = table("strict", "products");
    assertThat(table.currentSnapshot().snapshotId()).isEqualTo(before);
    assertThat(snapshots(table)).hasSize(1);
    assertThat(query("SELECT sku FROM strict.products")).containsExactly(List.of("G1"));
    assertThat(read(table)).extracting(record -> record.getField("sku")).containsExactly("G1");
    assertThat(
            query(
                "SELECT status, contract, rows_written FROM system.loads"
                    + " WHERE target = 'iceberg.strict.products' ORDER BY started_at"))
        .containsExactly(
            row("FAILED", "products_v1 v1", 0L),
            row("SUCCEEDED", "products_v1 v1", 1L),
            row("FAILED", "products_v1 v1", 0L),
            row("FAILED", "products_v1 v1", 0L));
  }

  @Test
  void errorLimitsAbortWithNothingCommitted() throws Exception {
    String load =
        "LOAD products INTO iceberg.limits.products WITH DISPOSITION APPEND"
            + " USING CONTRACT products_v1";
    // 7 rows break the contract: a limit of 6 rows aborts, one of 7 does not.
    assertThatThrownBy(() -> query(load + " ON ERROR QUARANTINE ERROR LIMIT 6"))
        .hasMessageContaining("7 rows broke contract 'products_v1', over the ERROR LIMIT of 6")
        .hasMessageContaining("nothing is committed");
    assertThat(tableExists("limits", "products")).isFalse();
    assertThat(tableExists("limits", "products__rejected")).isFalse();
    List<Object> within = single(load + " ON ERROR QUARANTINE ERROR LIMIT 7");
    assertThat(within.subList(1, 5)).containsExactly("SUCCEEDED", 10L, 3L, 7L);
    long target = table("limits", "products").currentSnapshot().snapshotId();
    long quarantine = table("limits", "products__rejected").currentSnapshot().snapshotId();
    assertThatThrownBy(() -> query(load + " ON ERROR QUARANTINE ERROR LIMIT 2"))
        .hasMessageContaining("over the ERROR LIMIT of 2");
    assertThat(table("limits", "products").currentSnapshot().snapshotId()).isEqualTo(target);
    assertThat(table("limits", "products__rejected").currentSnapshot().snapshotId())
        .isEqualTo(quarantine);
    assertThat(query("SELECT count(*) FROM limits.products__rejected"))
        .containsExactly(List.of(7L));

    // A PERCENT limit is judged on the whole load: the first two of ten rows are bad (20 %).
    StringBuilder early = new StringBuilder();
    for (int i = 1; i <= 10; i++) {
      early.append(
          String.format(
              "{\"sku\": \"E%d\", \"price\": %d, \"quantity\": 1}%n", i, i <= 2 ? -i : i));
    }
    Path earlyBad = write("early.jsonl", early.toString());
    execute("CREATE SOURCE early_bad TYPE FILES WITH (location = '" + earlyBad + "')");
    String percent =
        "LOAD early_bad INTO iceberg.limits.early WITH DISPOSITION APPEND"
            + " USING CONTRACT products_v1 ON ERROR SKIP";
    assertThatThrownBy(() -> query(percent + " ERROR LIMIT 15 PERCENT"))
        .hasMessageContaining("2 of 10 rows (20.00%)")
        .hasMessageContaining("nothing is committed");
    assertThat(tableExists("limits", "early")).isFalse();
    assertThatThrownBy(() -> query(percent + " ERROR LIMIT 1"))
        .hasMessageContaining("over the ERROR LIMIT of 1");
    assertThat(tableExists("limits", "early")).isFalse();
    assertThat(single(percent + " ERROR LIMIT 25 PERCENT").subList(1, 5))
        .containsExactly("SUCCEEDED", 10L, 8L, 2L);

    // ERROR LIMIT with ABORT is a mistake in the statement, reported at its position.
    assertThatThrownBy(
            () ->
                query(
                    "LOAD early_bad INTO iceberg.limits.early2 WITH DISPOSITION APPEND"
                        + " USING CONTRACT products_v1 ON ERROR ABORT ERROR LIMIT 5"))
        .hasMessageContaining("ERROR LIMIT needs ON ERROR SKIP or QUARANTINE")
        .hasMessageContaining("line 1, column ");
    assertThat(tableExists("limits", "early2")).isFalse();
  }

  @Test
  void validateCommitsNothingAndReportsViolationsAndCounts() throws Exception {
    String load =
        "LOAD products INTO iceberg.checked.products WITH DISPOSITION APPEND"
            + " USING CONTRACT products_v1 ON ERROR QUARANTINE";
    List<List<Object>> report = query("VALIDATE " + load);
    assertThat(labels("VALIDATE " + load))
        .containsExactly(
            "kind", "rule", "reason", "source_position", "row_json", "raw_record", "rows");
    assertThat(report)
        .filteredOn(row -> "violation".equals(row.get(0)))
        .extracting(row -> row.get(3) + " " + row.get(1))
        .containsExactlyInAnyOrder(
            "products.jsonl:3 type(price DECIMAL(10, 2))",
            "products.jsonl:4 not_null(sku)",
            "products.jsonl:5 type(quantity INTEGER)",
            "products.jsonl:6 " + QUANTITY_CHECK,
            "products.jsonl:7 parse",
            "products.jsonl:8 type(\"Release Date\" DATE)",
            "products.jsonl:9 unique(sku)");
    assertThat(counts(report)).isEqualTo(expectedCountsWithTotals());
    assertThat(tableExists("checked", "products")).isFalse();
    assertThat(tableExists("checked", "products__rejected")).isFalse();

    // max_violations caps the list, never the counts; 0 answers the counts only.
    List<List<Object>> capped = query("VALIDATE " + load + " WITH (max_violations = 1)");
    assertThat(capped)
        .filteredOn(row -> "violation".equals(row.get(0)))
        .singleElement()
        .satisfies(row -> assertThat((String) row.get(3)).startsWith("products.jsonl:"));
    assertThat(counts(capped)).isEqualTo(expectedCountsWithTotals());
    assertThat(query("VALIDATE " + load + " WITH (max_violations = 0)"))
        .noneMatch(row -> "violation".equals(row.get(0)));

    // On an existing table, VALIDATE adds no snapshot.
    query(
        "LOAD good_for_validate INTO iceberg.checked.products WITH DISPOSITION APPEND"
            + " USING CONTRACT products_v1");
    Table table = table("checked", "products");
    long before = table.currentSnapshot().snapshotId();
    query("VALIDATE " + load);
    table.refresh();
    assertThat(table.currentSnapshot().snapshotId()).isEqualTo(before);
    assertThat(snapshots(table)).hasSize(1);
    assertThat(tableExists("checked", "products__rejected")).isFalse();
  }

  private Map<String, Long> counts(List<List<Object>> report) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (List<Object> row : report) {
      if ("rule_count".equals(row.get(0))) {
        counts.put((String) row.get(1), (Long) row.get(6));
      } else if (!"violation".equals(row.get(0))) {
        counts.put((String) row.get(0), (Long) row.get(6));
      }
    }
    return counts;
  }

  private static Map<String, Long> expectedCountsWithTotals() {
    Map<String, Long> counts = expectedRuleCounts();
    counts.put("rows_read", 10L);
    counts.put("rows_accepted", 3L);
    return counts;
  }

  @Test
  void contractsAreCheckedVersionedAndRecordedByTheirLoads() throws Exception {
    // Errors in the definition point at the line and column of the mistake.
    assertThatThrownBy(
            () -> execute("CREATE CONTRACT bad_check (\n  qty BIGINT CHECK (quantity > 0)\n)"))
        .hasMessageContaining("quantity")
        .hasMessageContaining("line 2, column 21");
    assertThatThrownBy(
            () -> execute("CREATE CONTRACT bad_type (\n  id BIGINT,\n  amount DECIMAL(40, 2)\n)"))
        .hasMessageContaining("DECIMAL")
        .hasMessageContaining("line 3, column 10");
    assertThatThrownBy(
            () ->
                execute(
                    "CREATE CONTRACT bad_mode (id BIGINT)\nWITH (tables = 'evolve',"
                        + " columns = 'sometimes')"))
        .hasMessageContaining("sometimes")
        .hasMessageContaining("line 2, column 36");
    assertThat(showContract("bad_check")).isNull();
    assertThat(showContract("bad_type")).isNull();
    assertThat(showContract("bad_mode")).isNull();

    execute(
        "CREATE CONTRACT catalog_v (\n"
            + "  id BIGINT NOT NULL,\n"
            + "  name VARCHAR(20) CHECK (name <> ''),\n"
            + "  UNIQUE (id),\n"
            + "  CHECK (id > 0 OR name IS NULL)\n"
            + ") WITH (columns = 'FREEZE')");
    List<Object> shown = showContract("catalog_v");
    assertThat(shown.subList(0, 4)).containsExactly("catalog_v", 1, 2, 2);
    assertThat((String) shown.get(4)).contains("columns = 'freeze'");
    assertThat(query("DESCRIBE CONTRACT catalog_v"))
        .containsExactly(
            row("id", "BIGINT", false, null, null),
            row("name", "VARCHAR(20)", true, "name <> ''", null),
            row(null, null, null, null, "unique(id)"),
            row(null, null, null, "id > 0 OR name IS NULL", "check(id > 0 OR name IS NULL)"));
    assertThatThrownBy(() -> execute("CREATE CONTRACT catalog_v (id BIGINT)"))
        .hasMessageContaining("already exists");
    execute("CREATE CONTRACT IF NOT EXISTS catalog_v (id BIGINT)");
    assertThat(showContract("catalog_v").get(1)).isEqualTo(1);

    execute("CREATE OR REPLACE CONTRACT catalog_v (id BIGINT NOT NULL, name VARCHAR)");
    // A replacement that does not check leaves version 2 in place.
    assertThatThrownBy(
            () -> execute("CREATE OR REPLACE CONTRACT catalog_v (id BIGINT CHECK (nope > 1))"))
        .hasMessageContaining("nope");
    assertThat(showContract("catalog_v").subList(0, 3)).containsExactly("catalog_v", 2, 2);

    Path items = write("items.jsonl", "{\"id\": 1, \"name\": \"one\"}\n");
    execute("CREATE SOURCE catalog_items TYPE FILES WITH (location = '" + items + "')");
    String loadId =
        (String)
            single(
                    "LOAD catalog_items INTO iceberg.versions.items WITH DISPOSITION APPEND"
                        + " USING CONTRACT catalog_v")
                .get(0);
    assertThat(query("SELECT contract FROM system.loads WHERE load_id = '" + loadId + "'"))
        .containsExactly(List.of("catalog_v v2"));
    assertThat(table("versions", "items").currentSnapshot().summary())
        .containsEntry("tidewater.load-id", loadId)
        .containsEntry("tidewater.contract", "catalog_v")
        .containsEntry("tidewater.contract-version", "2");

    execute("DROP CONTRACT catalog_v");
    assertThat(showContract("catalog_v")).isNull();
    assertThatThrownBy(
            () ->
                query(
                    "LOAD catalog_items INTO iceberg.versions.items WITH DISPOSITION APPEND"
                        + " USING CONTRACT catalog_v"))
        .hasMessageContaining("unknown contract 'catalog_v'");
    execute("DROP CONTRACT IF EXISTS catalog_v");
    // The history keeps the version the load used.
    assertThat(query("SELECT contract FROM system.loads WHERE load_id = '" + loadId + "'"))
        .containsExactly(List.of("catalog_v v2"));
    execute("CREATE CONTRACT catalog_v (id BIGINT)");
    assertThat(showContract("catalog_v").get(1)).isEqualTo(1);
  }

  /** The SHOW CONTRACTS row of one contract, or null. */
  private List<Object> showContract(String name) throws SQLException {
    return query("SHOW CONTRACTS").stream()
        .filter(row -> name.equals(row.get(0)))
        .findFirst()
        .orElse(null);
  }

  @Test
  void columnsModesFreezeDiscardTheValueOrDiscardTheRow() throws Exception {
    Path file =
        write(
            "columns.jsonl",
            "{\"id\": 1, \"amount\": 10}\n"
                + "{\"id\": 2, \"amount\": 20, \"extra\": \"x\"}\n"
                + "{\"id\": 3, \"amount\": 30, \"extra\": null}\n"
                + "{\"id\": 4, \"amount\": 40, \"extra\": \"y\"}\n");
    execute("CREATE SOURCE with_extra TYPE FILES WITH (location = '" + file + "')");
    for (String mode : List.of("freeze", "discard_value", "discard_row")) {
      execute(
          "CREATE CONTRACT columns_"
              + mode
              + " (id BIGINT NOT NULL, amount BIGINT) WITH (columns = '"
              + mode
              + "')");
    }
    String load = "LOAD with_extra INTO iceberg.evo.%s WITH DISPOSITION APPEND USING CONTRACT %s";

    // freeze: a value in the extra column is an error; rows where it is null pass.
    assertThatThrownBy(() -> query(String.format(load, "frozen", "columns_freeze")))
        .hasMessageContaining("columns.jsonl:2")
        .hasMessageContaining("columns_freeze(extra)");
    List<Object> frozen =
        single(String.format(load, "frozen", "columns_freeze") + " ON ERROR QUARANTINE");
    assertThat(frozen.subList(2, 5)).containsExactly(4L, 2L, 2L);
    assertThat(query("SELECT id FROM evo.frozen ORDER BY id"))
        .containsExactly(List.of(1L), List.of(3L));
    assertThat(table("evo", "frozen").schema().findField("extra")).isNull();
    assertThat(query("SELECT source_position, rule FROM evo.frozen__rejected ORDER BY 1"))
        .containsExactly(
            List.of("columns.jsonl:2", "columns_freeze(extra)"),
            List.of("columns.jsonl:4", "columns_freeze(extra)"));

    // discard_value: the column is dropped and every row passes.
    List<Object> dropped = single(String.format(load, "dropped", "columns_discard_value"));
    assertThat(dropped.subList(2, 5)).containsExactly(4L, 4L, 0L);
    assertThat(table("evo", "dropped").schema().findField("extra")).isNull();
    assertThat(query("SELECT count(*) FROM evo.dropped")).containsExactly(List.of(4L));

    // discard_row: rows with a value are discarded, not errors: ABORT and ERROR LIMIT 0 pass.
    List<Object> discarded = single(String.format(load, "discarded", "columns_discard_row"));
    assertThat(discarded.subList(1, 5)).containsExactly("SUCCEEDED", 4L, 2L, 2L);
    assertThat(ruleCounts((String) discarded.get(0)))
        .containsExactly(Map.entry("columns_discard_row(extra)", 2L));
    assertThat(
            single(
                    String.format(load, "discarded", "columns_discard_row")
                        + " ON ERROR SKIP ERROR LIMIT 0")
                .subList(1, 5))
        .containsExactly("SUCCEEDED", 4L, 2L, 2L);
    // Under QUARANTINE, discarded rows are kept with their rule: nothing disappears unseen.
    single(
        String.format(load, "discarded", "columns_discard_row")
            + " ON ERROR QUARANTINE ERROR LIMIT 0");
    assertThat(query("SELECT source_position, rule FROM evo.discarded__rejected ORDER BY 1"))
        .containsExactly(
            List.of("columns.jsonl:2", "columns_discard_row(extra)"),
            List.of("columns.jsonl:4", "columns_discard_row(extra)"));
    assertThat(query("SELECT id, count(*) FROM evo.discarded GROUP BY id ORDER BY id"))
        .containsExactly(List.of(1L, 3L), List.of(3L, 3L));
  }

  @Test
  void dataTypeModesDiscardTheValueOrTheRow() throws Exception {
    Path file =
        write(
            "amounts.jsonl",
            "{\"id\": 1, \"amount\": 10}\n"
                + "{\"id\": 2, \"amount\": \"lots\"}\n"
                + "{\"id\": 3, \"amount\": \"30\"}\n");
    execute("CREATE SOURCE amounts TYPE FILES WITH (location = '" + file + "')");
    execute(
        "CREATE CONTRACT amounts_value (id BIGINT, amount BIGINT) WITH (data_type = 'discard_value')");
    execute(
        "CREATE CONTRACT amounts_required (id BIGINT, amount BIGINT NOT NULL)"
            + " WITH (data_type = 'discard_value')");
    execute(
        "CREATE CONTRACT amounts_row (id BIGINT, amount BIGINT) WITH (data_type = 'discard_row')");
    String load = "LOAD amounts INTO iceberg.types.%s WITH DISPOSITION APPEND USING CONTRACT %s";

    // discard_value: the value that is not a BIGINT becomes NULL, and the row goes on.
    assertThat(single(String.format(load, "nulled", "amounts_value")).subList(1, 5))
        .containsExactly("SUCCEEDED", 3L, 3L, 0L);
    assertThat(query("SELECT id, amount FROM types.nulled ORDER BY id"))
        .containsExactly(row(1L, 10L), row(2L, null), row(3L, 30L));
    // ... unless the column is NOT NULL: then the row breaks not_null.
    assertThatThrownBy(() -> query(String.format(load, "required", "amounts_required")))
        .hasMessageContaining("amounts.jsonl:2")
        .hasMessageContaining("not_null(amount)");
    assertThat(tableExists("types", "required")).isFalse();

    // discard_row: the row is discarded, which fails neither ABORT nor ERROR LIMIT 0.
    List<Object> discarded =
        single(String.format(load, "discarded", "amounts_row") + " ON ERROR SKIP ERROR LIMIT 0");
    assertThat(discarded.subList(1, 5)).containsExactly("SUCCEEDED", 3L, 2L, 1L);
    assertThat(ruleCounts((String) discarded.get(0)))
        .containsExactly(Map.entry("type(amount BIGINT)", 1L));
    assertThat(query("SELECT id, amount FROM types.discarded ORDER BY id"))
        .containsExactly(List.of(1L, 10L), List.of(3L, 30L));
    assertThat(single(String.format(load, "discarded", "amounts_row")).get(1))
        .isEqualTo("SUCCEEDED");

    // evolve (the default) with a JSON source: the sampled BIGINT is a guess, not a type, so the
    // contract's INTEGER decides and a value beyond its range breaks it.
    Path big =
        write("big.jsonl", "{\"id\": 1, \"amount\": 7}\n{\"id\": 2, \"amount\": 3000000000}\n");
    execute("CREATE SOURCE big_amounts TYPE FILES WITH (location = '" + big + "')");
    execute("CREATE CONTRACT amounts_int (id BIGINT, amount INTEGER)");
    assertThatThrownBy(
            () ->
                query(
                    "LOAD big_amounts INTO iceberg.types.evolved WITH DISPOSITION APPEND"
                        + " USING CONTRACT amounts_int"))
        .hasMessageContaining("big.jsonl:2")
        .hasMessageContaining("type(amount INTEGER)");
  }

  @Test
  void tablesModesFreezeOrSkipLoadsIntoNewTables() throws Exception {
    Path file = write("rows.jsonl", "{\"id\": 1}\n{\"id\": 2}\n");
    execute("CREATE SOURCE plain_rows TYPE FILES WITH (location = '" + file + "')");
    execute("CREATE CONTRACT no_new_tables (id BIGINT) WITH (tables = 'freeze')");
    execute("CREATE CONTRACT skip_new_tables (id BIGINT) WITH (tables = 'discard_row')");

    assertThatThrownBy(
            () ->
                query(
                    "LOAD plain_rows INTO iceberg.tables.frozen WITH DISPOSITION APPEND"
                        + " USING CONTRACT no_new_tables"))
        .hasMessageContaining(
            "table iceberg.tables.frozen does not exist, and contract 'no_new_tables'"
                + " (tables = 'freeze') does not allow a load to create it");
    assertThat(tableExists("tables", "frozen")).isFalse();

    List<Object> skipped =
        single(
            "LOAD plain_rows INTO iceberg.tables.skipped WITH DISPOSITION APPEND"
                + " USING CONTRACT skip_new_tables");
    assertThat(skipped.subList(1, 5)).containsExactly("SKIPPED", 0L, 0L, 0L);
    assertThat(tableExists("tables", "skipped")).isFalse();
    assertThat(
            query(
                "SELECT status, contract, error FROM system.loads WHERE load_id = '"
                    + skipped.get(0)
                    + "'"))
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row.get(0)).isEqualTo("SKIPPED");
              assertThat(row.get(1)).isEqualTo("skip_new_tables v1");
              assertThat((String) row.get(2)).contains("tables = 'discard_row'");
            });

    // A table that exists is loaded as usual by both.
    query("LOAD plain_rows INTO iceberg.tables.existing WITH DISPOSITION APPEND");
    for (String contract : List.of("no_new_tables", "skip_new_tables")) {
      assertThat(
              single(
                      "LOAD plain_rows INTO iceberg.tables.existing WITH DISPOSITION APPEND"
                          + " USING CONTRACT "
                          + contract)
                  .subList(1, 4))
          .containsExactly("SUCCEEDED", 2L, 2L);
    }
    assertThat(query("SELECT count(*) FROM tables.existing")).containsExactly(List.of(6L));
  }

  @Test
  void quarantineIntoAnotherNamespaceAppendsLoadAfterLoad() throws Exception {
    String load =
        "LOAD products INTO iceberg.shop.%s WITH DISPOSITION APPEND USING CONTRACT products_v1"
            + " ON ERROR QUARANTINE INTO iceberg.audit.product_rejects";
    String first = (String) single(String.format(load, "first")).get(0);
    String second = (String) single(String.format(load, "later")).get(0);
    assertThat(tableExists("shop", "first__rejected")).isFalse();
    assertThat(tableExists("shop", "later__rejected")).isFalse();
    assertThat(query("SELECT load_id, count(*) FROM audit.product_rejects GROUP BY load_id"))
        .containsExactlyInAnyOrder(List.of(first, 7L), List.of(second, 7L));

    Table quarantine = table("audit", "product_rejects");
    assertThat(snapshots(quarantine))
        .extracting(snapshot -> snapshot.summary().get("tidewater.load-id"))
        .containsExactly(first, second);
    assertThat(read(quarantine))
        .filteredOn(record -> second.equals(record.getField("load_id")))
        .extracting(record -> record.getField("source_position"))
        .containsExactlyInAnyOrder(
            "products.jsonl:3",
            "products.jsonl:4",
            "products.jsonl:5",
            "products.jsonl:6",
            "products.jsonl:7",
            "products.jsonl:8",
            "products.jsonl:9");
  }

  @Test
  void mergeDedupAndIncrementalValidateOnlyTheWindowAndNeverLetARejectedRowWin() throws Exception {
    execute(
        "CREATE CONTRACT changes_v1 (id BIGINT NOT NULL, version BIGINT,"
            + " price DOUBLE CHECK (price >= 0), seq BIGINT)");
    String firstLines =
        "{\"id\": 1, \"version\": 1, \"price\": 10, \"seq\": 1}\n"
            + "{\"id\": 2, \"version\": 1, \"price\": -5, \"seq\": 2}\n"
            + "{\"id\": 3, \"version\": 1, \"price\": 30, \"seq\": 3}\n";
    Path changes = write("changes.jsonl", firstLines);
    execute("CREATE SOURCE changes TYPE FILES WITH (location = '" + changes + "')");
    String load =
        "LOAD changes INTO iceberg.crm.prices WITH DISPOSITION MERGE ON (id) DEDUP BY version DESC"
            + " INCREMENTAL ON seq USING CONTRACT changes_v1 ON ERROR QUARANTINE";
    List<Object> first = single(load);
    assertThat(first.subList(1, 5)).containsExactly("SUCCEEDED", 3L, 2L, 1L);

    Files.writeString(
        changes,
        firstLines
            // the DESC winner of key 1 breaks the CHECK: version 2 wins among the valid rows
            + "{\"id\": 1, \"version\": 3, \"price\": -1, \"seq\": 4}\n"
            + "{\"id\": 1, \"version\": 2, \"price\": 11, \"seq\": 5}\n"
            + "{\"id\": 4, \"version\": 1, \"price\": 40, \"seq\": 6}\n"
            // the DESC winner of key 4 is not a number
            + "{\"id\": 4, \"version\": 2, \"price\": \"n/a\", \"seq\": 7}\n");
    List<Object> second = single(load);
    String secondId = (String) second.get(0);
    assertThat(second.get(1)).isEqualTo("SUCCEEDED");
    // Line 2 (seq 2) is outside the window: neither validated, nor rejected, nor quarantined.
    assertThat(second.subList(3, 5)).containsExactly(2L, 2L);
    assertThat(ruleCounts(secondId))
        .containsExactly(Map.entry("check(price >= 0)", 1L), Map.entry("type(price DOUBLE)", 1L));
    assertThat(
            query(
                "SELECT source_position, rule, load_id = '"
                    + secondId
                    + "' FROM crm.prices__rejected ORDER BY source_position"))
        .containsExactly(
            List.of("changes.jsonl:2", "check(price >= 0)", false),
            List.of("changes.jsonl:4", "check(price >= 0)", true),
            List.of("changes.jsonl:7", "type(price DOUBLE)", true));
    assertThat(query("SELECT id, version, price FROM crm.prices ORDER BY id"))
        .containsExactly(List.of(1L, 2L, 11.0), List.of(3L, 1L, 30.0), List.of(4L, 1L, 40.0));
    assertThat(query("SELECT cursor_after FROM system.loads WHERE load_id = '" + secondId + "'"))
        .containsExactly(List.of("7"));
    assertThat(read(table("crm", "prices")))
        .extracting(record -> record.getField("id") + ":" + record.getField("version"))
        .containsExactlyInAnyOrder("1:2", "3:1", "4:1");

    // Without DEDUP BY, a repeated MERGE key is a unique(id) violation; a rejected row does not
    // claim its key.
    Path repeats =
        write(
            "repeats.jsonl",
            "{\"id\": 1, \"version\": 1, \"price\": 10, \"seq\": 1}\n"
                + "{\"id\": 1, \"version\": 2, \"price\": 20, \"seq\": 2}\n"
                + "{\"id\": 2, \"version\": 1, \"price\": -1, \"seq\": 3}\n"
                + "{\"id\": 2, \"version\": 2, \"price\": 22, \"seq\": 4}\n");
    execute("CREATE SOURCE repeats TYPE FILES WITH (location = '" + repeats + "')");
    List<Object> merged =
        single(
            "LOAD repeats INTO iceberg.crm.repeats WITH DISPOSITION MERGE ON (id)"
                + " INCREMENTAL ON seq USING CONTRACT changes_v1 ON ERROR QUARANTINE");
    assertThat(merged.subList(1, 5)).containsExactly("SUCCEEDED", 4L, 2L, 2L);
    assertThat(query("SELECT source_position, rule FROM crm.repeats__rejected ORDER BY 1"))
        .containsExactly(
            List.of("repeats.jsonl:2", "unique(id)"),
            List.of("repeats.jsonl:3", "check(price >= 0)"));
    assertThat(query("SELECT id, version, price FROM crm.repeats ORDER BY id"))
        .containsExactly(List.of(1L, 1L, 10.0), List.of(2L, 2L, 22.0));
  }

  @Test
  void theContractsTypeNotTheSampleDecidesWhatAValueMayBe() throws Exception {
    Path file =
        write(
            "prices.jsonl",
            "{\"id\": 1, \"price\": 10}\n"
                + "{\"id\": 2, \"price\": 20}\n"
                + "{\"id\": 3, \"price\": 9.5}\n"
                + "{\"id\": 4, \"price\": \"lots\"}\n");
    execute(
        "CREATE SOURCE sampled_prices TYPE FILES WITH (location = '"
            + file
            + "', sample_rows = 2)");
    assertThat(query("DESCRIBE SOURCE sampled_prices"))
        .extracting(row -> row.get(0) + " " + row.get(1))
        .contains("price BIGINT");
    // Without a contract the sample's BIGINT decides, and 9.5 is a bad value.
    assertThatThrownBy(
            () -> query("LOAD sampled_prices INTO iceberg.sampled.raw WITH DISPOSITION APPEND"))
        .hasMessageContaining("prices.jsonl:3");
    execute("CREATE CONTRACT sampled_v1 (id BIGINT NOT NULL, price DOUBLE)");
    String load =
        "LOAD sampled_prices INTO iceberg.sampled.prices WITH DISPOSITION APPEND"
            + " USING CONTRACT sampled_v1";
    assertThat(query("EXPLAIN " + load))
        .extracting(row -> (String) row.get(0))
        .anyMatch(line -> line.contains("Read as text for the contract's types: price"));
    List<Object> loaded = single(load + " ON ERROR QUARANTINE");
    assertThat(loaded.subList(1, 5)).containsExactly("SUCCEEDED", 4L, 3L, 1L);
    assertThat(query("SELECT id, price FROM sampled.prices ORDER BY id"))
        .containsExactly(List.of(1L, 10.0), List.of(2L, 20.0), List.of(3L, 9.5));
    assertThat(query("SELECT source_position, rule FROM sampled.prices__rejected"))
        .containsExactly(List.of("prices.jsonl:4", "type(price DOUBLE)"));
    Table table = table("sampled", "prices");
    assertThat(table.schema().findField("price").type().toString()).isEqualTo("double");
    assertThat(read(table))
        .extracting(record -> record.getField("price"))
        .containsExactlyInAnyOrder(10.0, 20.0, 9.5);
  }

  private static Map<String, Long> expectedRuleCounts() {
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("check(price >= 0)", 1L);
    counts.put(QUANTITY_CHECK, 2L);
    counts.put("not_null(sku)", 1L);
    counts.put("parse", 1L);
    counts.put("type(\"Release Date\" DATE)", 1L);
    counts.put("type(price DECIMAL(10, 2))", 1L);
    counts.put("type(quantity INTEGER)", 1L);
    counts.put("unique(sku)", 1L);
    return counts;
  }

  // ---------------------------------------------------------------------------------------------

  private Map<String, Long> ruleCounts(String loadId) throws SQLException {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (List<Object> row :
        query(
            "SELECT rule, \"rows\" FROM system.load_errors WHERE load_id = '"
                + loadId
                + "' ORDER BY rule")) {
      counts.put((String) row.get(0), (Long) row.get(1));
    }
    return counts;
  }

  private static List<Object> row(Object... values) {
    return Arrays.asList(values);
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(temp.resolve(name), text);
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

  private List<String> labels(String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      return JdbcRows.labels(statement.executeQuery(sql));
    }
  }

  private List<Object> single(String sql) throws SQLException {
    List<List<Object>> rows = query(sql);
    assertThat(rows).hasSize(1);
    return rows.get(0);
  }

  private Catalog catalog() {
    return server.tidewater().engine().catalogs().catalog("iceberg");
  }

  private boolean tableExists(String namespace, String name) {
    return catalog().tableExists(TableIdentifier.of(namespace, name));
  }

  private Table table(String namespace, String name) {
    return catalog().loadTable(TableIdentifier.of(namespace, name));
  }

  private static List<Record> read(Table table) throws IOException {
    List<Record> records = new ArrayList<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
      rows.forEach(records::add);
    }
    return records;
  }

  private static List<Snapshot> snapshots(Table table) {
    List<Snapshot> snapshots = new ArrayList<>();
    table.snapshots().forEach(snapshots::add);
    return snapshots;
  }
}
