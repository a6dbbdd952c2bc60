package dev.tidewater.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

class ParquetKeyReaderTest extends CatalogTestBase {
  private static final Schema ARROW =
      new Schema(
          List.of(
              Field.nullable("id", new ArrowType.Int(64, true)),
              Field.nullable("name", ArrowType.Utf8.INSTANCE),
              Field.nullable("price", new ArrowType.Decimal(10, 2, 128))));
  private static final int ROWS = 20_000;

  @Test
  void readsKeysWithTheirPositionsAndSkipsRowGroupsOutsideTheFilter() throws IOException {
    DataFile file = write();
    Table table = catalog.loadTable(TableIdentifier.of("sales", "keys"));
    MergeKeys keys = MergeKeys.of(table.name(), table.schema(), List.of("name", "id"));
    MergeKeys.Buffer expected = new MergeKeys.Buffer();

    List<Long> positions = new ArrayList<>();
    List<String> mismatches = new ArrayList<>();
    boolean read =
        ParquetKeyReader.read(
            table.io().newInputFile(file),
            keys,
            new org.apache.iceberg.Schema(keys.fields()),
            Expressions.alwaysTrue(),
            (position, key) -> {
              positions.add(position);
              encode(keys, expected, position);
              if (!java.util.Arrays.equals(
                  key.bytes(), 0, key.length(), expected.bytes(), 0, expected.length())) {
                mismatches.add(
                    "row "
                        + position
                        + ": "
                        + keys.describe(java.util.Arrays.copyOf(key.bytes(), key.length()), 0)
                        + " expected "
                        + keys.describe(
                            java.util.Arrays.copyOf(expected.bytes(), expected.length()), 0));
              }
            });

    assertThat(read).isTrue();
    assertThat(mismatches).isEmpty();
    // every 7th row has a null name: no key
    assertThat(positions).hasSize(ROWS - (ROWS + 6) / 7);
    assertThat(positions).isSorted().doesNotContain(0L, 7L).contains(1L, (long) ROWS - 2);

    List<Long> late = new ArrayList<>();
    Expression lastRows = Expressions.greaterThanOrEqual("id", ROWS - 10);
    ParquetKeyReader.read(
        table.io().newInputFile(file),
        keys,
        new org.apache.iceberg.Schema(keys.fields()),
        lastRows,
        (position, key) -> late.add(position));
    assertThat(late.size()).as("rows of the row groups that may match").isLessThan(ROWS / 4);
    assertThat(late).contains((long) ROWS - 2);
    // positions count the rows of the skipped row groups
    assertThat(late.get(0)).isGreaterThan(ROWS / 2);
  }

  @Test
  void declinesDecimalKeys() throws IOException {
    DataFile file = write();
    Table table = catalog.loadTable(TableIdentifier.of("sales", "keys"));
    MergeKeys keys = MergeKeys.of(table.name(), table.schema(), List.of("price"));

    boolean read =
        ParquetKeyReader.read(
            table.io().newInputFile(file),
            keys,
            new org.apache.iceberg.Schema(keys.fields()),
            Expressions.alwaysTrue(),
            (position, key) -> {
              throw new AssertionError("no row expected");
            });

    assertThat(read).isFalse();
  }

  /** The key of row {@code position} as {@link MergeKeys} encodes the table's values. */
  private static void encode(MergeKeys keys, MergeKeys.Buffer out, long position) {
    org.apache.iceberg.data.GenericRecord record =
        org.apache.iceberg.data.GenericRecord.create(
            Types.StructType.of(keys.fields().get(0), keys.fields().get(1)));
    record.set(0, "name-" + position);
    record.set(1, position);
    keys.encode(record, out);
  }

  private DataFile write() {
    Table table =
        Tables.createOrLoad(
            catalog,
            TableIdentifier.of("sales", "keys"),
            ArrowSchemas.toIceberg(ARROW),
            PartitionSpec.unpartitioned(),
            Map.of());
    List<DataFile> files;
    try (ParquetBatchSink sink =
            new ParquetBatchSink(
                table, Map.of(TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES, "16384"), 0, 1);
        VectorSchemaRoot batch = VectorSchemaRoot.create(ARROW, allocator)) {
      batch.allocateNew();
      BigIntVector id = (BigIntVector) batch.getVector("id");
      VarCharVector name = (VarCharVector) batch.getVector("name");
      DecimalVector price = (DecimalVector) batch.getVector("price");
      for (int i = 0; i < ROWS; i++) {
        id.setSafe(i, i);
        if (i % 7 != 0) {
          name.setSafe(i, ("name-" + i).getBytes(StandardCharsets.UTF_8));
        }
        price.setSafe(i, BigDecimal.valueOf(i, 2));
      }
      batch.setRowCount(ROWS);
      sink.append(batch);
      files = sink.finish().dataFiles();
    }
    assertThat(files).hasSize(1);
    return files.get(0);
  }
}
