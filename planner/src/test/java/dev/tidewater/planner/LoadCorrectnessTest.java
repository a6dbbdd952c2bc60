package dev.tidewater.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.connector.files.FilesConnectorFactory;
import dev.tidewater.iceberg.CatalogRegistry;
import dev.tidewater.parser.ast.SqlLoad;
import dev.tidewater.planner.load.Cursors;
import dev.tidewater.planner.load.LoadExecutor;
import dev.tidewater.planner.load.LoadHistory;
import dev.tidewater.planner.load.LoadListener;
import dev.tidewater.planner.load.LoadOutcome;
import dev.tidewater.planner.load.LoadPlan;
import dev.tidewater.planner.load.LoadPlanner;
import dev.tidewater.planner.metadata.LoadRecord;
import dev.tidewater.planner.metadata.MetadataStore;
import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exactly-once rules of loads, where they meet each other: the cursor as a compare-and-set,
 * contracts with incremental windows and DEDUP BY, loads that race to create a table, and history
 * that a dead process left behind.
 */
class LoadCorrectnessTest {
  @TempDir Path temp;
  private Path data;
  private BufferAllocator allocator;
  private Engine engine;
  private Session session;

  @BeforeEach
  void start() {
    allocator = new RootAllocator();
    data = temp.resolve("data");
    engine =
        new Engine(
            new EngineConfig("iceberg", "default", 2, 3, System::getenv),
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
  void twoLoadsFromTheSameCursorCannotBothCommit() throws Exception {
    Path csv = csv("events.csv", "id,ts\n1,10\n2,20\n");
    execute("CREATE SOURCE events TYPE FILES WITH (location = '" + csv + "')");
    String load = "LOAD events INTO app.events WITH DISPOSITION APPEND INCREMENTAL ON ts";
    rows(load);
    Files.writeString(csv, "id,ts\n1,10\n2,20\n3,30\n4,40\n");
    // Both plans start from cursor 20, as two processes would.
    LoadPlan first = plan(load);
    LoadPlan second = plan(load);
    try (first;
        second) {
      LoadOutcome committed = executor().execute(first, allocator, LoadListener.NONE);
      assertThat(committed.rowsWritten()).isEqualTo(2);
      assertThatThrownBy(() -> executor().execute(second, allocator, LoadListener.NONE))
          .isInstanceOf(TidewaterException.class)
          .hasMessageContaining("moved the cursor from 20 to 40")
          .hasMessageContaining("nothing was committed");
    }
    assertThat(rows("SELECT count(*) FROM app.events")).containsExactly(List.of(4L));
    assertThat(Cursors.last(table("app", "events"), "events")).contains("40");
    assertThat(rows("SELECT status FROM system.loads ORDER BY started_at DESC"))
        .extracting(row -> row.get(0))
        .contains("FAILED");
    assertNoUncommittedFiles(table("app", "events"));
  }

  @Test
  void twoFirstLoadsRacingToCreateATableBothLand() throws Exception {
    Path csv = csv("items.csv", "id,name\n1,a\n2,b\n3,c\n");
    execute("CREATE SOURCE items TYPE FILES WITH (location = '" + csv + "')");
    String load = "LOAD items INTO app.items WITH DISPOSITION APPEND";
    LoadPlan first = plan(load);
    LoadPlan second = plan(load);
    try (first;
        second) {
      assertThat(first.commit().createsTable()).isTrue();
      assertThat(second.commit().createsTable()).isTrue();
      executor().execute(first, allocator, LoadListener.NONE);
      LoadOutcome late = executor().execute(second, allocator, LoadListener.NONE);
      assertThat(late.status()).isEqualTo("SUCCEEDED");
    }
    assertThat(readBack(table("app", "items"))).hasSize(6);
    assertNoUncommittedFiles(table("app", "items"));
  }

  @Test
  void rowsOutsideTheCursorWindowAreNeitherValidatedNorRejected() throws Exception {
    Path csv = csv("orders.csv", "id,amount,ts\n1,5,1\n2,-1,2\n3,7,3\n");
    execute("CREATE SOURCE orders TYPE FILES WITH (location = '" + csv + "')");
    execute("CREATE CONTRACT orders_v1 (id BIGINT NOT NULL, amount BIGINT CHECK (amount >= 0))");
    String load =
        "LOAD orders INTO app.orders WITH DISPOSITION APPEND INCREMENTAL ON ts"
            + " USING CONTRACT orders_v1 ON ERROR QUARANTINE";
    assertThat(rows(load).get(0).subList(2, 5)).containsExactly(3L, 2L, 1L);
    // Row 2 broke the contract, yet the cursor moved past it: the next load does not see it again.
    assertThat(Cursors.last(table("app", "orders"), "orders")).contains("3");
    Files.writeString(csv, "id,amount,ts\n1,5,1\n2,-1,2\n3,7,3\n4,-9,4\n5,1,5\n");
    List<Object> next = rows(load).get(0);
    assertThat(next.subList(2, 5)).containsExactly(5L, 1L, 1L);
    assertThat(rows("SELECT source_position FROM app.orders__rejected ORDER BY source_position"))
        .containsExactly(List.of("orders.csv:3"), List.of("orders.csv:5"));
    assertThat(rows("SELECT id FROM app.orders ORDER BY id"))
        .containsExactly(List.of(1L), List.of(3L), List.of(5L));
  }

  @Test
  void dedupByChoosesAmongTheRowsTheContractAccepts() throws Exception {
    // Key 1: the DESC winner (version 9) breaks the contract, so version 5 wins among the valid.
    // Key 2: 'x' is not a number: a type violation, not a winner. Key 3 has one valid row.
    Path csv =
        csv(
            "changes.csv",
            "id,version,price\n1,3,10\n1,9,-1\n1,5,12\n2,4,20\n2,8,x\n3,1,30\n3,2,-5\n");
    execute("CREATE SOURCE changes TYPE FILES WITH (location = '" + csv + "', sample_rows = 3)");
    execute(
        "CREATE CONTRACT changes_v1 (id BIGINT NOT NULL, version BIGINT, price DOUBLE CHECK"
            + " (price >= 0))");
    List<Object> outcome =
        rows("LOAD changes INTO app.latest WITH DISPOSITION MERGE ON (id) DEDUP BY version DESC"
                + " USING CONTRACT changes_v1 ON ERROR SKIP")
            .get(0);
    assertThat(outcome.subList(2, 5)).containsExactly(7L, 3L, 3L);
    assertThat(rows("SELECT id, version, price FROM app.latest ORDER BY id"))
        .containsExactly(List.of(1L, 5L, 12.0), List.of(2L, 4L, 20.0), List.of(3L, 1L, 30.0));
    assertThat(rows("SELECT rule, \"rows\" FROM system.load_errors ORDER BY rule"))
        .containsExactly(List.of("check(price >= 0)", 2L), List.of("type(price DOUBLE)", 1L));
  }

  @Test
  void aMergeWithAContractRejectsRepeatedKeysAsUniqueViolations() throws Exception {
    Path csv = csv("dups.csv", "id,name\n1,a\n2,b\n1,c\n");
    execute("CREATE SOURCE dups TYPE FILES WITH (location = '" + csv + "')");
    execute("CREATE CONTRACT dups_v1 (id BIGINT NOT NULL, name VARCHAR)");
    List<Object> outcome =
        rows("LOAD dups INTO app.dups WITH DISPOSITION MERGE ON (id) USING CONTRACT dups_v1"
                + " ON ERROR QUARANTINE")
            .get(0);
    assertThat(outcome.subList(2, 5)).containsExactly(3L, 2L, 1L);
    assertThat(rows("SELECT rule, source_position FROM app.dups__rejected"))
        .containsExactly(List.of("unique(id)", "dups.csv:4"));
    // Without a contract a repeated key stays an error of the merge itself.
    assertThatThrownBy(() -> rows("LOAD dups INTO app.dups2 WITH DISPOSITION MERGE ON (id)"))
        .hasMessageContaining("(id) = 1");
  }

  @Test
  void contractTypesNotTheSampleDecideWhatAValueMayBe() throws Exception {
    // The sample (2 rows) says price is an integer; the contract says DOUBLE, and 9.5 is one.
    Path csv = csv("prices.csv", "id,price\n1,10\n2,20\n3,9.5\n4,lots\n");
    execute("CREATE SOURCE prices TYPE FILES WITH (location = '" + csv + "', sample_rows = 2)");
    execute("CREATE CONTRACT prices_v1 (id BIGINT NOT NULL, price DOUBLE)");
    List<Object> outcome =
        rows("LOAD prices INTO app.prices WITH DISPOSITION APPEND USING CONTRACT prices_v1"
                + " ON ERROR QUARANTINE")
            .get(0);
    assertThat(outcome.subList(2, 5)).containsExactly(4L, 3L, 1L);
    assertThat(rows("SELECT price FROM app.prices ORDER BY id"))
        .containsExactly(List.of(10.0), List.of(20.0), List.of(9.5));
    assertThat(rows("SELECT rule, source_position FROM app.prices__rejected"))
        .containsExactly(List.of("type(price DOUBLE)", "prices.csv:5"));
    assertThat(
            rows(
                "EXPLAIN LOAD prices INTO app.prices WITH DISPOSITION APPEND USING CONTRACT"
                    + " prices_v1"))
        .extracting(row -> (String) row.get(0))
        .anyMatch(line -> line.contains("Read as text for the contract's types: price"));
  }

  @Test
  void aRowBreakingSeveralRulesCountsForEach() throws Exception {
    Path csv = csv("both.csv", "id,amount\n,-1\n2,5\n");
    execute("CREATE SOURCE both_rules TYPE FILES WITH (location = '" + csv + "')");
    execute("CREATE CONTRACT both_v1 (id BIGINT NOT NULL, amount BIGINT CHECK (amount >= 0))");
    List<Object> outcome =
        rows("LOAD both_rules INTO app.rules_broken WITH DISPOSITION APPEND USING CONTRACT both_v1"
                + " ON ERROR SKIP")
            .get(0);
    assertThat(outcome.subList(2, 5)).containsExactly(2L, 1L, 1L);
    assertThat(rows("SELECT rule, \"rows\" FROM system.load_errors ORDER BY rule"))
        .containsExactly(List.of("check(amount >= 0)", 1L), List.of("not_null(id)", 1L));
  }

  @Test
  void aCheckThatCannotBeEvaluatedOnARowRejectsThatRow() throws Exception {
    Path csv = csv("ratios.csv", "id,num,den\n1,10,2\n2,5,0\n3,9,3\n");
    execute("CREATE SOURCE ratios TYPE FILES WITH (location = '" + csv + "')");
    execute(
        "CREATE CONTRACT ratios_v1 (id BIGINT NOT NULL, num BIGINT, den BIGINT,"
            + " CHECK (num / den > 1))");
    List<Object> outcome =
        rows("LOAD ratios INTO app.ratios WITH DISPOSITION APPEND USING CONTRACT ratios_v1"
                + " ON ERROR QUARANTINE")
            .get(0);
    assertThat(outcome.subList(2, 5)).containsExactly(3L, 2L, 1L);
    assertThat(rows("SELECT source_position, reason FROM app.ratios__rejected"))
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row.get(0)).isEqualTo("ratios.csv:3");
              assertThat((String) row.get(1)).contains("cannot be evaluated");
            });
  }

  @Test
  void errorLimitsAreCheckedWhereTheyCanBe() throws Exception {
    Path csv = csv("limit.csv", "id,amount\n1,-1\n2,5\n3,6\n4,7\n");
    execute("CREATE SOURCE limited TYPE FILES WITH (location = '" + csv + "')");
    execute("CREATE CONTRACT limit_v1 (id BIGINT NOT NULL, amount BIGINT CHECK (amount >= 0))");
    String load = "LOAD limited INTO app.limited WITH DISPOSITION APPEND USING CONTRACT limit_v1";
    // The bad row is the first one read, yet 1 of 4 rows is 25 %: within 30 PERCENT.
    assertThat(rows(load + " ON ERROR SKIP ERROR LIMIT 30 PERCENT").get(0).get(1))
        .isEqualTo("SUCCEEDED");
    assertThatThrownBy(() -> rows(load + " ON ERROR SKIP ERROR LIMIT 20 PERCENT"))
        .hasMessageContaining("1 of 4 rows (25.00%)")
        .hasMessageContaining("nothing is committed");
    assertThatThrownBy(() -> rows(load + " ON ERROR ABORT ERROR LIMIT 5"))
        .hasMessageContaining("ERROR LIMIT needs ON ERROR SKIP or QUARANTINE");
    assertThatThrownBy(() -> rows(load + " ON ERROR SKIP ERROR LIMIT 150 PERCENT"))
        .hasMessageContaining("out of range");
    assertThat(rows("SELECT count(*) FROM app.limited")).containsExactly(List.of(3L));
  }

  @Test
  void validateListsAtMostMaxViolationsButCountsThemAll() throws Exception {
    Path csv = csv("many.csv", "id,amount\n1,-1\n2,-2\n3,-3\n4,4\n");
    execute("CREATE SOURCE many TYPE FILES WITH (location = '" + csv + "')");
    execute("CREATE CONTRACT many_v1 (id BIGINT, amount BIGINT CHECK (amount >= 0))");
    List<List<Object>> report =
        rows(
            "VALIDATE LOAD many INTO app.many WITH DISPOSITION APPEND USING CONTRACT many_v1"
                + " WITH (max_violations = 1)");
    assertThat(report).filteredOn(row -> row.get(0).equals("violation")).hasSize(1);
    assertThat(report)
        .filteredOn(row -> !row.get(0).equals("violation"))
        .extracting(row -> row.get(0) + " " + row.get(6))
        .containsExactly("rule_count 3", "rows_read 4", "rows_accepted 1");
    assertThatThrownBy(
            () ->
                rows(
                    "LOAD many INTO app.many WITH DISPOSITION APPEND USING CONTRACT many_v1"
                        + " WITH (max_violations = 1)"))
        .hasMessageContaining("unknown LOAD option 'max_violations'");
  }

  @Test
  void aContractDiscardingNewTablesSkipsTheLoad() throws Exception {
    Path csv = csv("skip.csv", "id\n1\n2\n");
    execute("CREATE SOURCE skipping TYPE FILES WITH (location = '" + csv + "')");
    execute("CREATE CONTRACT no_new_v1 (id BIGINT) WITH (tables = 'discard_row')");
    List<Object> outcome =
        rows("LOAD skipping INTO app.never WITH DISPOSITION APPEND USING CONTRACT no_new_v1")
            .get(0);
    assertThat(outcome.get(1)).isEqualTo("SKIPPED");
    assertThat(engine.catalogs().catalog("iceberg").tableExists(TableIdentifier.of("app", "never")))
        .isFalse();
    assertThat(rows("SELECT status, error, contract FROM system.loads"))
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row.get(0)).isEqualTo("SKIPPED");
              assertThat((String) row.get(1)).contains("tables = 'discard_row'");
              assertThat(row.get(2)).isEqualTo("no_new_v1 v1");
            });
  }

  @Test
  void historyLeftRunningByADeadProcessIsSettledFromTheTable() throws Exception {
    Path csv = csv("h.csv", "id\n1\n2\n");
    execute("CREATE SOURCE hist TYPE FILES WITH (location = '" + csv + "')");
    String committedId =
        (String) rows("LOAD hist INTO app.hist WITH DISPOSITION APPEND").get(0).get(0);
    LoadRecord committed = engine.metadata().load(committedId).orElseThrow();
    long snapshot = committed.snapshotId();
    // A process on this host that is gone: the pid of a finished child process.
    Process child = new ProcessBuilder("true").start();
    child.waitFor();
    String deadOwner =
        LoadHistory.currentProcess().split("/")[0]
            + "/"
            + child.pid()
            + "/"
            + child.info().startInstant().map(Instant::toEpochMilli).orElse(1L);
    // The process committed, then died before it recorded success.
    engine.metadata().putLoad(running(committed, committedId, deadOwner));
    // Another one died before it committed.
    engine.metadata().putLoad(running(committed, "never-committed", deadOwner));
    // And one still runs (this process).
    engine.metadata().putLoad(running(committed, "still-running", LoadHistory.currentProcess()));

    assertThat(engine.load(committedId).orElseThrow())
        .satisfies(
            load -> {
              assertThat(load.status()).isEqualTo(LoadRecord.LoadStatus.SUCCEEDED);
              assertThat(load.snapshotId()).isEqualTo(snapshot);
            });
    assertThat(engine.load("never-committed").orElseThrow())
        .satisfies(
            load -> {
              assertThat(load.status()).isEqualTo(LoadRecord.LoadStatus.FAILED);
              assertThat(load.error()).contains("ended before the load committed");
            });
    assertThat(engine.load("still-running").orElseThrow().status())
        .isEqualTo(LoadRecord.LoadStatus.RUNNING);
    // The settled records are stored: the metadata store says so without the table.
    assertThat(engine.metadata().load("never-committed").orElseThrow().status())
        .isEqualTo(LoadRecord.LoadStatus.FAILED);
  }

  @Test
  void formatVersionChoosesTheVersionOfANewTable() throws Exception {
    Path csv = csv("v3.csv", "id,name\n1,a\n2,b\n");
    execute("CREATE SOURCE v3 TYPE FILES WITH (location = '" + csv + "')");
    rows("LOAD v3 INTO app.v3 WITH DISPOSITION MERGE ON (id) WITH (format_version = '3')");
    assertThat(((HasTableOperations) table("app", "v3")).operations().current().formatVersion())
        .isEqualTo(3);
    Files.writeString(csv, "id,name\n2,B\n3,c\n");
    rows("LOAD v3 INTO app.v3 WITH DISPOSITION MERGE ON (id)");
    assertThat(rows("SELECT id, name FROM app.v3 ORDER BY id"))
        .containsExactly(List.of(1L, "a"), List.of(2L, "B"), List.of(3L, "c"));
    assertThat(readBack(table("app", "v3"))).hasSize(3);
    assertThatThrownBy(
            () -> rows("LOAD v3 INTO app.v3 WITH DISPOSITION APPEND WITH (format_version = '3')"))
        .hasMessageContaining("applies when the load creates the table");
  }

  @Test
  void typesWidenAlongIcebergPromotionsAndOtherChangesFailLeavingTheSchema() throws Exception {
    Path csv = csv("widen.csv", "id,qty,ratio,price\n1,5,0.5,1.25\n");
    execute(
        "CREATE SOURCE narrow TYPE FILES WITH (location = '"
            + csv
            + "', columns = 'qty INTEGER, ratio REAL, price DECIMAL(5,2)')");
    rows("LOAD narrow INTO app.widen WITH DISPOSITION APPEND");
    assertThat(rows("DESCRIBE TABLE app.widen"))
        .extracting(row -> row.get(0) + " " + row.get(1))
        .containsExactly("id BIGINT", "qty INTEGER", "ratio REAL", "price DECIMAL(5, 2)");
    Files.writeString(csv, "id,qty,ratio,price\n2,3000000000,0.25,12345.67\n");
    execute(
        "CREATE OR REPLACE SOURCE narrow TYPE FILES WITH (location = '"
            + csv
            + "', columns = 'qty BIGINT, ratio DOUBLE, price DECIMAL(9,2)')");
    assertThat(rows("EXPLAIN LOAD narrow INTO app.widen WITH DISPOSITION APPEND"))
        .extracting(row -> (String) row.get(0))
        .anyMatch(line -> line.contains("Evolve schema (same commit)"));
    rows("LOAD narrow INTO app.widen WITH DISPOSITION APPEND");
    assertThat(rows("DESCRIBE TABLE app.widen"))
        .extracting(row -> row.get(0) + " " + row.get(1))
        .containsExactly("id BIGINT", "qty BIGINT", "ratio DOUBLE", "price DECIMAL(9, 2)");
    assertThat(rows("SELECT qty FROM app.widen ORDER BY id"))
        .containsExactly(List.of(5L), List.of(3_000_000_000L));
    org.apache.iceberg.Schema before = table("app", "widen").schema();
    long snapshot = table("app", "widen").currentSnapshot().snapshotId();

    // Text into a number column, and a scale change: errors that name the column and both types.
    Files.writeString(csv, "id,qty,ratio,price,extra\n3,many,0.1,1.5,x\n");
    execute(
        "CREATE OR REPLACE SOURCE narrow TYPE FILES WITH (location = '"
            + csv
            + "', columns = 'qty VARCHAR, price DECIMAL(9,3)')");
    assertThatThrownBy(() -> rows("LOAD narrow INTO app.widen WITH DISPOSITION APPEND"))
        .hasMessageContaining("qty")
        .hasMessageContaining("VARCHAR")
        .hasMessageContaining("BIGINT");
    // Nothing moved: not the schema (the new column 'extra' was not added), not the data.
    assertThat(table("app", "widen").schema().sameSchema(before)).isTrue();
    assertThat(table("app", "widen").currentSnapshot().snapshotId()).isEqualTo(snapshot);
  }

  @Test
  void mergeBackfillsAreIdempotentAndDisjointOnesCanRunTogether() throws Exception {
    Path csv = csv("facts.csv", "id,d,v\n1,1,a\n2,2,b\n3,3,c\n4,4,d\n5,5,e\n6,6,f\n");
    execute("CREATE SOURCE facts TYPE FILES WITH (location = '" + csv + "')");
    String base = "LOAD facts INTO app.facts WITH DISPOSITION MERGE ON (id) INCREMENTAL ON d";
    rows(base + " INITIAL 4");
    assertThat(rows("SELECT id FROM app.facts ORDER BY id"))
        .containsExactly(List.of(4L), List.of(5L), List.of(6L));
    // Two backfills of disjoint ranges, both planned before either commits.
    LoadPlan low = plan(base + " BACKFILL FROM 1 TO 2");
    LoadPlan high = plan(base + " BACKFILL FROM 2 TO 4");
    try (low;
        high) {
      executor().execute(low, allocator, LoadListener.NONE);
      executor().execute(high, allocator, LoadListener.NONE);
    }
    // Again: a MERGE backfill replaces the same rows, adding nothing.
    rows(base + " BACKFILL FROM 1 TO 4");
    assertThat(rows("SELECT id, v FROM app.facts ORDER BY id"))
        .containsExactly(
            List.of(1L, "a"),
            List.of(2L, "b"),
            List.of(3L, "c"),
            List.of(4L, "d"),
            List.of(5L, "e"),
            List.of(6L, "f"));
    assertThat(readBack(table("app", "facts"))).hasSize(6);
    // The backfills did not move the cursor.
    assertThat(Cursors.last(table("app", "facts"), "facts")).contains("6");
  }

  @Test
  void theCursorIsComparedAsTheContractTypesItEvenWhenTheFileSaysOtherwise() throws Exception {
    // The file's timestamps have no zone; the contract's cursor column is zoned. The window still
    // applies before the contract: the old version of key 1 is neither validated again nor does
    // it claim the key that the new version needs.
    Path csv =
        csv("versions.csv", "id,amount,ts\n1,5,2024-01-01 00:00:00\n2,-1,2024-01-02 00:00:00\n");
    execute("CREATE SOURCE versions TYPE FILES WITH (location = '" + csv + "')");
    execute(
        "CREATE CONTRACT versions_v1 (id BIGINT NOT NULL, amount BIGINT CHECK (amount >= 0),"
            + " ts TIMESTAMP WITH LOCAL TIME ZONE NOT NULL, UNIQUE (id))");
    String load =
        "LOAD versions INTO app.versions WITH DISPOSITION MERGE ON (id) INCREMENTAL ON ts"
            + " USING CONTRACT versions_v1 ON ERROR QUARANTINE";
    assertThat(rows(load).get(0).subList(2, 5)).containsExactly(2L, 1L, 1L);
    Files.writeString(
        csv,
        "id,amount,ts\n1,5,2024-01-01 00:00:00\n2,-1,2024-01-02 00:00:00\n"
            + "1,7,2024-01-03 00:00:00\n");
    assertThat(rows(load).get(0).subList(2, 5)).containsExactly(3L, 1L, 0L);
    assertThat(rows("SELECT id, amount FROM app.versions ORDER BY id"))
        .containsExactly(List.of(1L, 7L));
    assertThat(rows("SELECT count(*) FROM app.versions__rejected")).containsExactly(List.of(1L));
  }

  @Test
  void aWriterFailingWhileDedupDrainsFailsTheLoadInsteadOfHanging() throws Exception {
    StringBuilder text = new StringBuilder("id,version\n,1\n");
    for (int i = 0; i < 300; i++) {
      text.append(i).append(',').append(i % 7).append('\n');
    }
    Path csv = csv("nullkey.csv", text.toString());
    execute("CREATE SOURCE nullkey TYPE FILES WITH (location = '" + csv + "')");
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
        java.time.Duration.ofSeconds(60),
        () ->
            assertThatThrownBy(
                    () ->
                        rows(
                            "LOAD nullkey INTO app.nullkey WITH DISPOSITION MERGE ON (id)"
                                + " DEDUP BY version"))
                .isInstanceOf(TidewaterException.class)
                .hasMessageContaining("key column 'id' is null"));
    assertThat(
            engine.catalogs().catalog("iceberg").tableExists(TableIdentifier.of("app", "nullkey")))
        .isFalse();
  }

  private static LoadRecord running(LoadRecord like, String loadId, String owner) {
    return new LoadRecord(
        loadId,
        like.source(),
        like.target(),
        like.disposition(),
        LoadRecord.LoadStatus.RUNNING,
        0,
        0,
        0,
        null,
        null,
        null,
        like.startedAt(),
        0,
        null,
        owner,
        null);
  }

  /** Every Parquet file under the table's location is part of its current state. */
  private static void assertNoUncommittedFiles(Table table) throws IOException {
    Set<String> live = new HashSet<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        live.add(Path.of(java.net.URI.create(task.file().location())).toString());
        task.deletes()
            .forEach(
                delete -> live.add(Path.of(java.net.URI.create(delete.location())).toString()));
      }
    }
    Path location = Path.of(java.net.URI.create(table.location()));
    try (Stream<Path> files = Files.walk(location)) {
      assertThat(files.filter(path -> path.toString().endsWith(".parquet")).map(Path::toString))
          .allMatch(live::contains);
    }
  }

  private static List<Record> readBack(Table table) throws IOException {
    List<Record> records = new ArrayList<>();
    try (CloseableIterable<Record> read = IcebergGenerics.read(table).build()) {
      read.forEach(records::add);
    }
    return records;
  }

  private Table table(String namespace, String name) {
    return engine.catalogs().catalog("iceberg").loadTable(TableIdentifier.of(namespace, name));
  }

  private Path csv(String name, String text) throws IOException {
    Path file = temp.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  private LoadPlan plan(String sql) {
    return new LoadPlanner(engine).plan((SqlLoad) Session.parse(sql), "iceberg", "default");
  }

  private LoadExecutor executor() {
    return new LoadExecutor(engine);
  }

  private void execute(String sql) {
    session.execute(sql, allocator).close();
  }

  private List<List<Object>> rows(String sql) {
    List<List<Object>> rows = new ArrayList<>();
    try (ExecutionResult result = session.execute(sql, allocator)) {
      if (!result.hasRows()) {
        return rows;
      }
      BatchReader reader = result.rows();
      while (reader.next()) {
        VectorSchemaRoot root = reader.root();
        for (int row = 0; row < root.getRowCount(); row++) {
          Object[] values = new Object[root.getFieldVectors().size()];
          for (int column = 0; column < values.length; column++) {
            Object value = root.getVector(column).getObject(row);
            values[column] =
                value instanceof org.apache.arrow.vector.util.Text text ? text.toString() : value;
          }
          rows.add(Arrays.asList(values));
        }
      }
    }
    return rows;
  }
}
