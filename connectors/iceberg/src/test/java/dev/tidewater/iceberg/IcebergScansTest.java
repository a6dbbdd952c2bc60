package dev.tidewater.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.iceberg.AllTypes.Row;
import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.TidewaterException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.util.Text;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.expressions.Expressions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IcebergScansTest extends CatalogTestBase {
  private static final Row FULL =
      new Row(
          1,
          (short) -7,
          42,
          true,
          1.5f,
          3.25,
          new BigDecimal("12345678.90"),
          new BigDecimal("-1234.5"),
          new BigDecimal("123456789012345678901.2345"),
          "Zürich ✓ 日本",
          "note",
          new byte[] {0, 1, 2, (byte) 255},
          LocalDate.of(2024, 2, 29),
          1_709_210_096_123_456L,
          -1L,
          1_704_067_200_000_001L,
          -1_500L,
          "Genève",
          1201,
          Arrays.asList("a", null, "ü"));

  private Table table;
  private long firstSnapshot;

  @BeforeEach
  void writeRows() {
    table = createTable("scanned", AllTypes.SCHEMA, PartitionSpec.unpartitioned());
    firstSnapshot = append(List.of(FULL, Row.nulls(2), row(3)));
    append(List.of(row(4), row(5)));
  }

  @Test
  void readsEveryColumnAsArrowInBoundedBatches() {
    List<Integer> sizes = new ArrayList<>();
    List<String> positions = new ArrayList<>();
    List<Long> ids = new ArrayList<>();
    try (BatchReader reader =
        IcebergScans.open(table, null, List.of(), Expressions.alwaysTrue(), allocator, 2)) {
      assertThat(reader.schema()).isEqualTo(ArrowSchemas.toArrow(table.schema()));
      while (reader.next()) {
        VectorSchemaRoot root = reader.root();
        sizes.add(root.getRowCount());
        positions.add(reader.position(0));
        for (int i = 0; i < root.getRowCount(); i++) {
          long id = ((BigIntVector) root.getVector("id")).get(i);
          ids.add(id);
          if (id == 1) {
            assertFullRow(root, i);
          } else if (id == 2) {
            assertNullRow(root, i);
          }
        }
      }
      assertThat(reader.bytesRead()).isPositive();
    }
    assertThat(sizes).hasSize(3).containsOnly(1, 2);
    assertThat(sum(sizes)).isEqualTo(5);
    assertThat(ids).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L);
    assertThat(positions.get(0)).isEqualTo("iceberg.sales.scanned row 1");
    assertThat(positions.get(1)).isEqualTo("iceberg.sales.scanned row " + (sizes.get(0) + 1));
  }

  @Test
  void projectsInTheRequestedOrderAndPrunesFilesByFiltersOnOtherColumns() {
    try (BatchReader reader =
        IcebergScans.open(
            table,
            null,
            List.of("name", "ID"),
            Expressions.greaterThan("id", 3L),
            allocator,
            100)) {
      assertThat(reader.schema().getFields())
          .extracting(Field::getName)
          .containsExactly("name", "id");
      assertThat(reader.next()).isTrue();
      VectorSchemaRoot root = reader.root();
      List<Long> ids = new ArrayList<>();
      for (int i = 0; i < root.getRowCount(); i++) {
        ids.add(((BigIntVector) root.getVector("id")).get(i));
      }
      assertThat(ids).containsExactlyInAnyOrder(4L, 5L);
      assertThat(reader.next()).isFalse();
    }

    // The filter prunes files and row groups, not rows: the second file (counts 4 and 5) is
    // skipped, the first comes back whole, and the caller filters its rows.
    try (BatchReader reader =
        IcebergScans.open(
            table, null, List.of("name"), Expressions.equal("count", 42), allocator, 100)) {
      assertThat(reader.schema().getFields()).extracting(Field::getName).containsExactly("name");
      assertThat(reader.next()).isTrue();
      assertThat(reader.root().getRowCount()).isEqualTo(3);
      assertThat(reader.root().getVector(0).getObject(0)).hasToString("Zürich ✓ 日本");
      assertThat(reader.next()).isFalse();
    }

    try (BatchReader reader =
        IcebergScans.open(
            table, null, List.of("id"), Expressions.greaterThan("id", 100L), allocator, 100)) {
      assertThat(reader.next()).isFalse();
    }
  }

  @Test
  void readsAnOlderSnapshot() {
    List<Long> ids = new ArrayList<>();
    try (BatchReader reader =
        IcebergScans.open(table, firstSnapshot, List.of("id"), null, allocator, 100)) {
      while (reader.next()) {
        BigIntVector vector = (BigIntVector) reader.root().getVector(0);
        for (int i = 0; i < vector.getValueCount(); i++) {
          ids.add(vector.get(i));
        }
      }
    }
    assertThat(ids).containsExactlyInAnyOrder(1L, 2L, 3L);
  }

  @Test
  void aTableWithoutSnapshotsHasNoBatches() {
    Table empty = createTable("empty", AllTypes.SCHEMA, PartitionSpec.unpartitioned());
    try (BatchReader reader = IcebergScans.open(empty, null, List.of(), null, allocator, 10)) {
      assertThat(reader.next()).isFalse();
      assertThat(reader.bytesRead()).isZero();
    }
  }

  @Test
  void unknownColumnOrSnapshotIsAUserError() {
    assertThatThrownBy(() -> IcebergScans.open(table, null, List.of("nope"), null, allocator, 100))
        .isInstanceOfSatisfying(
            TidewaterException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.USER))
        .hasMessageContaining("no column 'nope'");
    assertThatThrownBy(() -> IcebergScans.open(table, 42L, List.of(), null, allocator, 100))
        .isInstanceOf(TidewaterException.class)
        .hasMessageContaining("no snapshot 42");
  }

  private long append(List<Row> rows) {
    try (ParquetBatchSink sink = new ParquetBatchSink(table, Map.of(), 0, System.nanoTime());
        VectorSchemaRoot batch = AllTypes.batch(allocator, rows)) {
      sink.append(batch);
      return TableCommitters.append().commit(table, sink.finish(), Map.of());
    }
  }

  private static Row row(long id) {
    return new Row(
        id, null, (int) id, null, null, id * 0.5, null, null, null, "n" + id, null, null, null,
        null, null, null, null, null, null, null);
  }

  private static int sum(List<Integer> values) {
    return values.stream().mapToInt(Integer::intValue).sum();
  }

  private static void assertFullRow(VectorSchemaRoot root, int i) {
    assertThat(((BigIntVector) root.getVector("id")).get(i)).isEqualTo(1L);
    assertThat(((IntVector) root.getVector("small")).get(i)).isEqualTo(-7);
    assertThat(((Float8Vector) root.getVector("score")).get(i)).isEqualTo(3.25);
    assertThat(((DecimalVector) root.getVector("amount")).getObject(i))
        .isEqualTo(new BigDecimal("12345678.90"));
    assertThat(((DecimalVector) root.getVector("big_amount")).getObject(i))
        .isEqualTo(new BigDecimal("123456789012345678901.2345"));
    assertThat(((VarCharVector) root.getVector("name")).getObject(i))
        .isEqualTo(new Text("Zürich ✓ 日本"));
    assertThat(((VarBinaryVector) root.getVector("payload")).get(i)).containsExactly(0, 1, 2, 255);
    assertThat(((DateDayVector) root.getVector("day")).get(i))
        .isEqualTo((int) LocalDate.of(2024, 2, 29).toEpochDay());
    assertThat(((TimeStampMicroVector) root.getVector("ts")).get(i))
        .isEqualTo(1_709_210_096_123_456L);
    assertThat(((TimeStampMicroVector) root.getVector("ts_millis")).get(i)).isEqualTo(-1_000L);
    TimeStampMicroTZVector tstz = (TimeStampMicroTZVector) root.getVector("tstz");
    assertThat(tstz.getTimeZone()).isEqualTo("UTC");
    assertThat(tstz.get(i)).isEqualTo(1_704_067_200_000_001L);
    assertThat(((TimeStampMicroTZVector) root.getVector("tstz_nanos")).get(i)).isEqualTo(-2L);
    Map<String, ?> address = ((StructVector) root.getVector("address")).getObject(i);
    assertThat(address.get("city")).isEqualTo(new Text("Genève"));
    assertThat(address.get("zip")).isEqualTo(1201);
    assertThat(new ArrayList<Object>(((ListVector) root.getVector("tags")).getObject(i)))
        .containsExactly(new Text("a"), null, new Text("ü"));
    assertThat(root.getVector("tags").getField().getChildren().get(0).getType())
        .isEqualTo(ArrowType.Utf8.INSTANCE);
  }

  private static void assertNullRow(VectorSchemaRoot root, int i) {
    assertThat(((BigIntVector) root.getVector("id")).get(i)).isEqualTo(2L);
    for (FieldVector vector : root.getFieldVectors().subList(1, root.getFieldVectors().size())) {
      assertThat(vector.isNull(i)).as(vector.getName()).isTrue();
    }
  }
}
