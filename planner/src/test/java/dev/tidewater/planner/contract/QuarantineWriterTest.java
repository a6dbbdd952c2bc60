package dev.tidewater.planner.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.iceberg.CatalogRegistry;
import dev.tidewater.planner.contract.Violation.Severity;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuarantineWriterTest {
  private static final TableIdentifier TARGET = TableIdentifier.of("sales", "orders");
  private static final TableIdentifier REJECTED = QuarantineWriter.defaultTable(TARGET);

  @TempDir Path dataDir;
  private CatalogRegistry catalogs;
  private Catalog catalog;
  private final BufferAllocator allocator = new RootAllocator();

  @BeforeEach
  void open() {
    catalogs = CatalogRegistry.create(Map.of("iceberg", CatalogRegistry.embeddedDefault(dataDir)));
    catalog = catalogs.catalog("iceberg");
  }

  @AfterEach
  void close() {
    catalogs.close();
    assertThat(allocator.getAllocatedMemory()).isZero();
    allocator.close();
  }

  private static Violation violation(int line, String rule) {
    return new Violation(
        line - 2,
        "orders.csv:" + line,
        rule,
        List.of(rule),
        "reason " + line,
        "{\"id\":" + line + "}",
        null,
        Severity.ERROR);
  }

  @Test
  void writesRejectedRowsInOneSnapshotOfANewTable() {
    assertThat(REJECTED).isEqualTo(TableIdentifier.of("sales", "orders__rejected"));
    long snapshotId;
    try (QuarantineWriter writer =
        new QuarantineWriter(catalog, REJECTED, "load-1", "shop.orders", allocator)) {
      writer.add(List.of(violation(3, "not_null(id)"), violation(7, "unique(id)")));
      writer.add(List.of());
      writer.add(List.of(violation(12, "check(amount >= 0)")));
      assertThat(writer.rowCount()).isEqualTo(3);
      snapshotId = writer.commit();
    }
    Table table = catalog.loadTable(REJECTED);
    assertThat(table.schema().sameSchema(QuarantineWriter.SCHEMA)).isTrue();
    assertThat(table.snapshots()).hasSize(1);
    Snapshot snapshot = table.currentSnapshot();
    assertThat(snapshot.snapshotId()).isEqualTo(snapshotId);
    assertThat(snapshot.summary())
        .containsEntry("tidewater.load-id", "load-1")
        .containsEntry("tidewater.source", "shop.orders")
        .containsEntry("tidewater.rows-rejected", "3");

    List<Record> rows = read(table);
    assertThat(rows)
        .extracting(
            row -> row.getField("source_position"),
            row -> row.getField("rule"),
            row -> row.getField("reason"),
            row -> row.getField("row_json"))
        .containsExactlyInAnyOrder(
            tuple("orders.csv:3", "not_null(id)", "reason 3", "{\"id\":3}"),
            tuple("orders.csv:7", "unique(id)", "reason 7", "{\"id\":7}"),
            tuple("orders.csv:12", "check(amount >= 0)", "reason 12", "{\"id\":12}"));
    assertThat(rows).extracting(row -> row.getField("load_id")).containsOnly("load-1");
    assertThat(rows).extracting(row -> row.getField("source")).containsOnly("shop.orders");
    assertThat(rows)
        .extracting(row -> row.getField("rejected_at"))
        .allSatisfy(at -> assertThat(at).isInstanceOf(OffsetDateTime.class));
  }

  @Test
  void appendsToAnExistingTableAcrossBatchesAndThreads() throws Exception {
    try (QuarantineWriter first = new QuarantineWriter(catalog, REJECTED, "load-1", "src")) {
      first.add(List.of(violation(3, "not_null(id)")));
      first.commit();
    }
    int threads = 3;
    int perThread = 3000; // more than one buffered batch in all
    try (QuarantineWriter writer =
        new QuarantineWriter(catalog, REJECTED, "load-2", "src", allocator)) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perThread; i += 100) {
                    List<Violation> violations = new ArrayList<>();
                    for (int j = i; j < i + 100; j++) {
                      violations.add(violation(thread * perThread + j + 2, "unique(id)"));
                    }
                    writer.add(violations);
                  }
                }));
      }
      for (Future<?> future : futures) {
        future.get();
      }
      pool.shutdown();
      writer.commit();
    }
    Table table = catalog.loadTable(REJECTED);
    assertThat(table.snapshots()).hasSize(2);
    List<Record> rows = read(table);
    assertThat(rows).hasSize(1 + threads * perThread);
    assertThat(rows.stream().filter(row -> row.getField("load_id").equals("load-2")))
        .extracting(row -> row.getField("source_position"))
        .doesNotHaveDuplicates()
        .hasSize(threads * perThread);
  }

  @Test
  void aLoadWithoutRejectedRowsCreatesNothing() {
    try (QuarantineWriter writer = new QuarantineWriter(catalog, REJECTED, "load-1", "src")) {
      assertThat(writer.commit()).isEqualTo(-1);
    }
    assertThat(catalog.tableExists(REJECTED)).isFalse();
  }

  @Test
  void abortDeletesTheWrittenFiles() throws IOException {
    try (QuarantineWriter writer =
        new QuarantineWriter(catalog, REJECTED, "load-1", "src", allocator)) {
      List<Violation> many = new ArrayList<>();
      for (int i = 0; i < QuarantineWriter.BATCH_ROWS + 10; i++) {
        many.add(violation(i + 2, "unique(id)"));
      }
      writer.add(many); // flushes one Parquet batch
      writer.abort();
      assertThatThrownBy(() -> writer.add(many))
          .isInstanceOf(TidewaterException.class)
          .hasMessageContaining("already committed or aborted");
    }
    // The table was only staged: an aborted load leaves neither a table nor a file behind.
    assertThat(catalog.tableExists(REJECTED)).isFalse();
    try (Stream<Path> files = Files.walk(dataDir)) {
      assertThat(files.filter(path -> path.toString().endsWith(".parquet"))).isEmpty();
    }
  }

  @Test
  void anIncompatibleTableIsAUserError() {
    catalog
        .buildTable(
            REJECTED,
            new Schema(
                Types.NestedField.optional(1, "load_id", Types.StringType.get()),
                Types.NestedField.optional(2, "rule", Types.LongType.get())))
        .create();
    QuarantineWriter writer = new QuarantineWriter(catalog, REJECTED, "load-1", "src", allocator);
    writer.add(List.of(violation(3, "not_null(id)")));
    assertThatThrownBy(writer::commit)
        .isInstanceOf(TidewaterException.class)
        .hasMessageContaining(
            "table sales.orders__rejected cannot hold rejected rows: it needs column source");
    assertThat(catalog.loadTable(REJECTED).currentSnapshot()).isNull();
  }

  private static List<Record> read(Table table) {
    List<Record> rows = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      records.forEach(record -> rows.add(record.copy()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  private static org.assertj.core.groups.Tuple tuple(Object... values) {
    return org.assertj.core.groups.Tuple.tuple(values);
  }
}
