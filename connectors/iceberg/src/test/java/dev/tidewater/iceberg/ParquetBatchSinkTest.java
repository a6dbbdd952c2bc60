package dev.tidewater.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.iceberg.AllTypes.Row;
import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.TidewaterException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.transforms.Transforms;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.DateTimeUtil;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.Test;

@SuppressWarnings("unchecked")
class ParquetBatchSinkTest extends CatalogTestBase {
  private static final LocalDateTime TS = LocalDateTime.of(2024, 2, 29, 12, 34, 56, 123_456_000);
  private static final OffsetDateTime TSTZ =
      OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 1_000, ZoneOffset.UTC);

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
          "a long note",
          new byte[] {0, 1, 2, (byte) 255},
          LocalDate.of(2024, 2, 29),
          DateTimeUtil.microsFromTimestamp(TS),
          -1L,
          DateTimeUtil.microsFromTimestamptz(TSTZ),
          -1_500L,
          "Genève",
          1201,
          Arrays.asList("a", null, "ü"));

  private static final Row EDGES =
      new Row(
          3,
          (short) 0,
          -1,
          false,
          Float.NaN,
          Double.NaN,
          new BigDecimal("-0.01"),
          new BigDecimal("0.0"),
          new BigDecimal("-999999999999999999999.9999"),
          "",
          "",
          new byte[0],
          LocalDate.of(1900, 1, 1),
          0L,
          1_700_000_000_123L,
          -86_400_000_000L,
          1_700_000_000_123_456_789L,
          null,
          5,
          List.of());

  private static Row simple(long id) {
    return new Row(
        id,
        (short) id,
        (int) id * 10,
        id % 2 == 0,
        id / 4f,
        id * 1.25,
        BigDecimal.valueOf(id * 100 + 1, 2),
        BigDecimal.valueOf(id, 1),
        BigDecimal.valueOf(id, 4),
        "name-" + id,
        "note-" + id,
        new byte[] {(byte) id},
        LocalDate.of(2024, 1, 1).plusDays(id),
        id * 1_000_000L,
        id * 1_000L,
        id * 1_000_000L,
        id * 1_000_000_000L,
        "city-" + id,
        (int) id,
        List.of("t" + id));
  }

  @Test
  void writesEveryTypeAndAppendsWithSummary() throws Exception {
    Table table = createTable("all_types", AllTypes.SCHEMA, PartitionSpec.unpartitioned());
    WriteResult result;
    try (ParquetBatchSink sink = new ParquetBatchSink(table, Map.of(), 0, 1);
        VectorSchemaRoot first = AllTypes.batch(allocator, List.of(FULL, Row.nulls(2), EDGES));
        VectorSchemaRoot second = AllTypes.batch(allocator, List.of(simple(4), simple(5)))) {
      sink.append(first);
      sink.append(second);
      result = sink.finish();
    }
    assertThat(result.rowCount()).isEqualTo(5);
    assertThat(result.dataFiles()).hasSize(1);
    assertThat(result.byteCount()).isEqualTo(result.dataFiles().get(0).fileSizeInBytes());

    long snapshotId =
        TableCommitters.append().commit(table, result, Map.of("tidewater.load-id", "load-1"));

    table.refresh();
    Snapshot snapshot = table.currentSnapshot();
    assertThat(snapshot.snapshotId()).isEqualTo(snapshotId);
    assertThat(snapshot.summary()).containsEntry("tidewater.load-id", "load-1");
    assertThat(snapshot.summary()).containsEntry("added-records", "5");

    List<Record> records = readAll(table);
    assertThat(records).hasSize(5);
    assertFull(records.get(0));
    assertAllNull(records.get(1));
    assertEdges(records.get(2));
    assertSimple(records.get(3), 4);
    assertSimple(records.get(4), 5);

    DataFile file = result.dataFiles().get(0);
    int score = table.schema().findField("score").fieldId();
    int ratio = table.schema().findField("ratio").fieldId();
    int count = table.schema().findField("count").fieldId();
    assertThat(file.valueCounts()).containsEntry(score, 5L).containsEntry(count, 5L);
    assertThat(file.nullValueCounts()).containsEntry(score, 1L).containsEntry(count, 1L);
    assertThat(file.nanValueCounts()).containsEntry(score, 1L).containsEntry(ratio, 1L);
    assertThat(lower(file, score, Types.DoubleType.get())).isEqualTo(3.25);
    assertThat(upper(file, score, Types.DoubleType.get())).isEqualTo(6.25);
    assertThat(lower(file, count, Types.IntegerType.get())).isEqualTo(-1);
    assertThat(upper(file, count, Types.IntegerType.get())).isEqualTo(50);
    assertThat(codecs(file)).containsOnly(CompressionCodecName.ZSTD);
  }

  @Test
  void replaceLeavesOnlyTheNewRowsInOneSnapshot() {
    Table table = createTable("replaced", AllTypes.SCHEMA, PartitionSpec.unpartitioned());
    TableCommitters.append().commit(table, write(table, List.of(simple(1), simple(2))), Map.of());
    TableCommitters.append().commit(table, write(table, List.of(simple(3))), Map.of());
    table.refresh();
    int snapshotsBefore = snapshotCount(table);

    long replaced =
        TableCommitters.replace()
            .commit(
                table,
                write(table, List.of(simple(7), simple(8))),
                Map.of("tidewater.load-id", "replace-1"));

    table.refresh();
    assertThat(snapshotCount(table)).isEqualTo(snapshotsBefore + 1);
    assertThat(table.currentSnapshot().snapshotId()).isEqualTo(replaced);
    assertThat(table.currentSnapshot().summary())
        .containsEntry("tidewater.load-id", "replace-1")
        .containsEntry("deleted-records", "3")
        .containsEntry("added-records", "2");
    assertThat(readAll(table)).extracting(record -> record.getField("id")).containsExactly(7L, 8L);

    TableCommitters.replace().commit(table, WriteResult.EMPTY, Map.of());
    assertThat(readAll(table)).isEmpty();
    assertThat(snapshotCount(table)).isEqualTo(snapshotsBefore + 2);
  }

  @Test
  void partitionedTableGetsOneFilePerPartition() {
    Schema arrow =
        new Schema(
            List.of(
                AllTypes.field("id", new ArrowType.Int(64, true)),
                AllTypes.field("ts", new ArrowType.Timestamp(TimeUnit.MICROSECOND, null)),
                AllTypes.field("name", ArrowType.Utf8.INSTANCE)));
    org.apache.iceberg.Schema schema = ArrowSchemas.toIceberg(arrow);
    PartitionSpec spec =
        Partitioning.spec(
            schema,
            List.of(new PartitionTerm("day", "ts", null), new PartitionTerm("bucket", "id", 4)));
    Table table =
        Tables.createOrLoad(
            catalog,
            org.apache.iceberg.catalog.TableIdentifier.of("sales", "events"),
            schema,
            spec,
            Map.of());

    int rows = 100;
    long base = DateTimeUtil.microsFromTimestamp(LocalDateTime.of(2024, 3, 1, 0, 0));
    Map<List<Integer>, Long> expected = new HashMap<>();
    var day = Transforms.day().bind(Types.TimestampType.withoutZone());
    var bucket = Transforms.bucket(4).bind(Types.LongType.get());
    WriteResult result;
    try (ParquetBatchSink sink = new ParquetBatchSink(table, Map.of(), 3, 9);
        VectorSchemaRoot batch = VectorSchemaRoot.create(arrow, allocator)) {
      batch.allocateNew();
      for (int i = 0; i < rows; i++) {
        long ts = base + (i % 3) * 86_400_000_000L + i;
        ((BigIntVector) batch.getVector("id")).setSafe(i, i);
        ((TimeStampMicroVector) batch.getVector("ts")).setSafe(i, ts);
        ((VarCharVector) batch.getVector("name"))
            .setSafe(i, ("n" + i).getBytes(StandardCharsets.UTF_8));
        expected.merge(List.of(day.apply(ts), bucket.apply((long) i)), 1L, Long::sum);
      }
      batch.setRowCount(rows);
      sink.append(batch);
      result = sink.finish();
    }

    assertThat(result.dataFiles()).hasSize(expected.size());
    Map<List<Integer>, Long> actual = new HashMap<>();
    for (DataFile file : result.dataFiles()) {
      List<Integer> partition =
          List.of(file.partition().get(0, Integer.class), file.partition().get(1, Integer.class));
      assertThat(actual.put(partition, file.recordCount())).isNull();
      assertThat(file.location()).contains("ts_day=").contains("id_bucket=");
    }
    assertThat(actual).isEqualTo(expected);

    TableCommitters.append().commit(table, result, Map.of());
    assertThat(readAll(table)).hasSize(rows);
    TableCommitters.replace().commit(table, WriteResult.EMPTY, Map.of());
    assertThat(readAll(table)).isEmpty();
  }

  @Test
  void rollsFilesAtTheTargetSize() {
    Table table = createTable("rolled", AllTypes.SCHEMA, PartitionSpec.unpartitioned());
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      rows.add(simple(i));
    }
    WriteResult result;
    try (ParquetBatchSink sink =
            new ParquetBatchSink(table, Map.of("TARGET_FILE_SIZE", "1KB"), 0, 1);
        VectorSchemaRoot batch = AllTypes.batch(allocator, rows)) {
      sink.append(batch);
      result = sink.finish();
    }
    assertThat(result.dataFiles()).hasSize(5);
    assertThat(result.dataFiles())
        .allSatisfy(file -> assertThat(file.recordCount()).isEqualTo(1000));
    TableCommitters.append().commit(table, result, Map.of());
    assertThat(readAll(table)).hasSize(5_000);
  }

  @Test
  void abortDeletesEveryFileWritten() throws Exception {
    Table table = createTable("aborted", AllTypes.SCHEMA, PartitionSpec.unpartitioned());
    List<String> finished;
    try (ParquetBatchSink sink =
            new ParquetBatchSink(table, Map.of("target_file_size", "1KB"), 0, 1);
        VectorSchemaRoot batch = AllTypes.batch(allocator, rowsFrom(0, 2_500))) {
      sink.append(batch);
      finished = sink.finish().dataFiles().stream().map(DataFile::location).toList();
      assertThat(finished).hasSize(3).allSatisfy(path -> assertThat(exists(table, path)).isTrue());
      sink.abort();
    }
    assertThat(finished).allSatisfy(path -> assertThat(exists(table, path)).isFalse());

    // a sink closed before finish() aborts, including the file it was still writing
    try (ParquetBatchSink sink =
            new ParquetBatchSink(table, Map.of("target_file_size", "1KB"), 0, 2);
        VectorSchemaRoot batch = AllTypes.batch(allocator, rowsFrom(0, 1_500))) {
      sink.append(batch);
    }
    assertThat(dataFilesOnDisk(table)).isEmpty();
  }

  @Test
  void missingColumnsAreNullAndUnknownColumnsAreAnInternalError() {
    Table table = createTable("partial", AllTypes.SCHEMA, PartitionSpec.unpartitioned());
    Schema idOnly = new Schema(List.of(AllTypes.field("ID", new ArrowType.Int(64, true))));
    WriteResult result;
    try (ParquetBatchSink sink = new ParquetBatchSink(table, Map.of(), 0, 1);
        VectorSchemaRoot batch = VectorSchemaRoot.create(idOnly, allocator)) {
      batch.allocateNew();
      ((BigIntVector) batch.getVector(0)).setSafe(0, 2);
      batch.setRowCount(1);
      sink.append(batch);
      result = sink.finish();
    }
    TableCommitters.append().commit(table, result, Map.of());
    assertAllNull(readAll(table).get(0));

    Schema extra = new Schema(List.of(AllTypes.field("surprise", new ArrowType.Int(64, true))));
    try (ParquetBatchSink sink = new ParquetBatchSink(table, Map.of(), 0, 2);
        VectorSchemaRoot batch = VectorSchemaRoot.create(extra, allocator)) {
      batch.allocateNew();
      batch.setRowCount(1);
      assertThatThrownBy(() -> sink.append(batch))
          .isInstanceOfSatisfying(
              TidewaterException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL))
          .hasMessageContaining("'surprise'");
    }
  }

  @Test
  void parsesSizes() {
    assertThat(ParquetBatchSink.parseSize("o", "256MB")).isEqualTo(256L << 20);
    assertThat(ParquetBatchSink.parseSize("o", "1 gb")).isEqualTo(1L << 30);
    assertThat(ParquetBatchSink.parseSize("o", "512KiB")).isEqualTo(512L << 10);
    assertThat(ParquetBatchSink.parseSize("o", "1000")).isEqualTo(1000);
    assertThatThrownBy(() -> ParquetBatchSink.parseSize("target_file_size", "big"))
        .isInstanceOf(TidewaterException.class)
        .hasMessageContaining("target_file_size = 'big'");
  }

  private WriteResult write(Table table, List<Row> rows) {
    try (ParquetBatchSink sink = new ParquetBatchSink(table, Map.of(), 0, System.nanoTime());
        VectorSchemaRoot batch = AllTypes.batch(allocator, rows)) {
      sink.append(batch);
      return sink.finish();
    }
  }

  private static List<Row> rowsFrom(int start, int end) {
    List<Row> rows = new ArrayList<>();
    for (int i = start; i < end; i++) {
      rows.add(simple(i));
    }
    return rows;
  }

  private static int snapshotCount(Table table) {
    int count = 0;
    for (Snapshot ignored : table.snapshots()) {
      count++;
    }
    return count;
  }

  private static List<java.nio.file.Path> dataFilesOnDisk(Table table) throws Exception {
    java.nio.file.Path data =
        java.nio.file.Path.of(java.net.URI.create(table.location() + "/data"));
    if (!java.nio.file.Files.exists(data)) {
      return List.of();
    }
    try (var files = java.nio.file.Files.walk(data)) {
      return files.filter(path -> path.toString().endsWith(".parquet")).toList();
    }
  }

  private static boolean exists(Table table, String path) {
    return table.io().newInputFile(path).exists();
  }

  private static Object lower(DataFile file, int id, org.apache.iceberg.types.Type type) {
    return org.apache.iceberg.types.Conversions.fromByteBuffer(type, file.lowerBounds().get(id));
  }

  private static Object upper(DataFile file, int id, org.apache.iceberg.types.Type type) {
    return org.apache.iceberg.types.Conversions.fromByteBuffer(type, file.upperBounds().get(id));
  }

  private static List<CompressionCodecName> codecs(DataFile file) throws Exception {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file.location());
    try (ParquetFileReader reader =
        ParquetFileReader.open(HadoopInputFile.fromPath(path, new Configuration()))) {
      return reader.getFooter().getBlocks().stream()
          .flatMap(block -> block.getColumns().stream())
          .map(ColumnChunkMetaData::getCodec)
          .toList();
    }
  }

  private static void assertFull(Record record) {
    assertThat(record.getField("id")).isEqualTo(1L);
    assertThat(record.getField("small")).isEqualTo(-7);
    assertThat(record.getField("count")).isEqualTo(42);
    assertThat(record.getField("flag")).isEqualTo(true);
    assertThat(record.getField("ratio")).isEqualTo(1.5f);
    assertThat(record.getField("score")).isEqualTo(3.25);
    assertThat(record.getField("amount")).isEqualTo(new BigDecimal("12345678.90"));
    assertThat(record.getField("tiny_amount")).isEqualTo(new BigDecimal("-1234.5"));
    assertThat(record.getField("big_amount"))
        .isEqualTo(new BigDecimal("123456789012345678901.2345"));
    assertThat(record.getField("name")).isEqualTo("Zürich ✓ 日本");
    assertThat(record.getField("note")).isEqualTo("a long note");
    assertThat(record.getField("payload")).isEqualTo(ByteBuffer.wrap(new byte[] {0, 1, 2, -1}));
    assertThat(record.getField("day")).isEqualTo(LocalDate.of(2024, 2, 29));
    assertThat(record.getField("ts")).isEqualTo(TS);
    assertThat(record.getField("ts_millis"))
        .isEqualTo(LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_000_000));
    assertThat(record.getField("tstz")).isEqualTo(TSTZ);
    // -1500 ns rounds down to -2 µs
    assertThat(record.getField("tstz_nanos"))
        .isEqualTo(OffsetDateTime.of(1969, 12, 31, 23, 59, 59, 999_998_000, ZoneOffset.UTC));
    Record address = (Record) record.getField("address");
    assertThat(address.getField("city")).isEqualTo("Genève");
    assertThat(address.getField("zip")).isEqualTo(1201);
    assertThat((List<Object>) record.getField("tags")).containsExactly("a", null, "ü");
  }

  private static void assertEdges(Record record) {
    assertThat(record.getField("id")).isEqualTo(3L);
    assertThat(record.getField("small")).isEqualTo(0);
    assertThat(record.getField("flag")).isEqualTo(false);
    assertThat((Float) record.getField("ratio")).isNaN();
    assertThat((Double) record.getField("score")).isNaN();
    assertThat(record.getField("amount")).isEqualTo(new BigDecimal("-0.01"));
    assertThat(record.getField("tiny_amount")).isEqualTo(new BigDecimal("0.0"));
    assertThat(record.getField("big_amount"))
        .isEqualTo(new BigDecimal("-999999999999999999999.9999"));
    assertThat(record.getField("name")).isEqualTo("");
    assertThat(record.getField("payload")).isEqualTo(ByteBuffer.allocate(0));
    assertThat(record.getField("day")).isEqualTo(LocalDate.of(1900, 1, 1));
    assertThat(record.getField("ts")).isEqualTo(LocalDateTime.of(1970, 1, 1, 0, 0));
    assertThat(record.getField("ts_millis"))
        .isEqualTo(LocalDateTime.of(2023, 11, 14, 22, 13, 20, 123_000_000));
    assertThat(record.getField("tstz"))
        .isEqualTo(OffsetDateTime.of(1969, 12, 31, 0, 0, 0, 0, ZoneOffset.UTC));
    assertThat(record.getField("tstz_nanos"))
        .isEqualTo(OffsetDateTime.of(2023, 11, 14, 22, 13, 20, 123_456_000, ZoneOffset.UTC));
    Record address = (Record) record.getField("address");
    assertThat(address.getField("city")).isNull();
    assertThat(address.getField("zip")).isEqualTo(5);
    assertThat((List<Object>) record.getField("tags")).isEmpty();
  }

  private static void assertSimple(Record record, long id) {
    assertThat(record.getField("id")).isEqualTo(id);
    assertThat(record.getField("count")).isEqualTo((int) id * 10);
    assertThat(record.getField("score")).isEqualTo(id * 1.25);
    assertThat(record.getField("amount")).isEqualTo(BigDecimal.valueOf(id * 100 + 1, 2));
    assertThat(record.getField("name")).isEqualTo("name-" + id);
    assertThat(record.getField("ts")).isEqualTo(LocalDateTime.of(1970, 1, 1, 0, 0).plusSeconds(id));
    assertThat(((Record) record.getField("address")).getField("city")).isEqualTo("city-" + id);
    assertThat((List<Object>) record.getField("tags")).containsExactly("t" + id);
  }

  static void assertAllNull(Record record) {
    for (int i = 1; i < record.size(); i++) {
      assertThat(record.get(i)).as(record.struct().fields().get(i).name()).isNull();
    }
  }
}
