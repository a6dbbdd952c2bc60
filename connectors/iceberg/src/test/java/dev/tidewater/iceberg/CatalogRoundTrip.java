package dev.tidewater.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tidewater.iceberg.AllTypes.Row;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;

/**
 * The same round trip on every kind of catalog: create a table, append twice through Tidewater's
 * Parquet writer and APPEND committer, and read the rows back with Iceberg's generic reader.
 */
final class CatalogRoundTrip {
  private CatalogRoundTrip() {}

  /** Runs the round trip on {@code identifier} and returns the table as the catalog has it. */
  static Table run(Catalog catalog, TableIdentifier identifier, BufferAllocator allocator) {
    Table table =
        Tables.createOrLoad(
            catalog,
            identifier,
            ArrowSchemas.toIceberg(AllTypes.SCHEMA),
            PartitionSpec.builderFor(ArrowSchemas.toIceberg(AllTypes.SCHEMA)).day("day").build(),
            Map.of());
    long first = append(table, 0, 3, "load-1", allocator);
    long second = append(table, 3, 5, "load-2", allocator);

    Table loaded = catalog.loadTable(identifier);
    assertThat(loaded.uuid()).isEqualTo(table.uuid());
    assertThat(loaded.snapshot(first).summary())
        .containsEntry("tidewater.load-id", "load-1")
        .containsEntry("added-records", "3");
    assertThat(loaded.currentSnapshot().snapshotId()).isEqualTo(second);
    assertThat(loaded.currentSnapshot().parentId()).isEqualTo(first);
    assertThat(loaded.currentSnapshot().summary())
        .containsEntry("tidewater.load-id", "load-2")
        .containsEntry("total-records", "5");

    List<Record> records = CatalogTestBase.readAll(loaded);
    assertThat(records)
        .extracting(record -> record.getField("id"))
        .containsExactly(0L, 1L, 2L, 3L, 4L);
    for (Record record : records) {
      long id = (Long) record.getField("id");
      assertThat(record.getField("name")).isEqualTo("row " + id);
      assertThat(record.getField("amount")).isEqualTo(amount(id));
      assertThat(record.getField("day")).isEqualTo(day(id));
      assertThat(record.getField("tags")).isEqualTo(List.of("t" + id));
    }
    return loaded;
  }

  private static long append(
      Table table, long fromId, long toId, String loadId, BufferAllocator allocator) {
    List<Row> rows = new ArrayList<>();
    LongStream.range(fromId, toId).forEach(id -> rows.add(row(id)));
    WriteResult result;
    try (ParquetBatchSink sink = new ParquetBatchSink(table, Map.of(), 0, fromId);
        VectorSchemaRoot batch = AllTypes.batch(allocator, rows)) {
      sink.append(batch);
      result = sink.finish();
    }
    return TableCommitters.append().commit(table, result, Map.of("tidewater.load-id", loadId));
  }

  private static Row row(long id) {
    return new Row(
        id,
        null,
        null,
        null,
        null,
        null,
        amount(id),
        null,
        null,
        "row " + id,
        null,
        null,
        day(id),
        null,
        null,
        null,
        null,
        null,
        null,
        List.of("t" + id));
  }

  private static BigDecimal amount(long id) {
    return BigDecimal.valueOf(id * 125, 2);
  }

  private static LocalDate day(long id) {
    return LocalDate.of(2024, 3, 1).plusDays(id % 2);
  }
}
