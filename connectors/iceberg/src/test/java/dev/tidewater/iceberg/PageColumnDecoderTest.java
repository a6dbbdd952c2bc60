package dev.tidewater.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tidewater.iceberg.ParquetColumnBatches.Decoding;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.Files;
import org.apache.iceberg.Schema;
import org.apache.iceberg.deletes.Deletes;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.apache.parquet.column.ParquetProperties.WriterVersion;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Page-by-page decoding ({@link PageColumnDecoder}) gives the same Arrow vectors as parquet-java's
 * column readers ({@link ColumnDecoder}, the oracle) for files parquet-java writes: PLAIN and
 * dictionary pages (and chunks that fall back from one to the other), with and without nulls, data
 * pages V1 and V2, pages that end inside a batch, several row groups, and deleted rows.
 */
class PageColumnDecoderTest {
  private static final int ROWS = 30_000;
  private static final String[] STATUSES = {"new", "paid", "shipped", "void", "returned"};

  private static final MessageType FILE_SCHEMA =
      org.apache.parquet.schema.Types.buildMessage()
          .required(PrimitiveTypeName.INT64)
          .id(1)
          .named("id")
          .optional(PrimitiveTypeName.BINARY)
          .as(LogicalTypeAnnotation.stringType())
          .id(2)
          .named("status")
          .optional(PrimitiveTypeName.INT64)
          .as(LogicalTypeAnnotation.decimalType(2, 12))
          .id(3)
          .named("amount")
          .optional(PrimitiveTypeName.DOUBLE)
          .id(4)
          .named("price")
          .optional(PrimitiveTypeName.INT32)
          .id(5)
          .named("quantity")
          .optional(PrimitiveTypeName.BOOLEAN)
          .id(6)
          .named("flag")
          .optional(PrimitiveTypeName.INT32)
          .id(7)
          .named("small")
          .optional(PrimitiveTypeName.FLOAT)
          .id(8)
          .named("ratio")
          .optional(PrimitiveTypeName.INT64)
          .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MILLIS))
          .id(9)
          .named("at")
          .required(PrimitiveTypeName.FLOAT)
          .id(10)
          .named("weight")
          .optional(PrimitiveTypeName.INT32)
          .as(LogicalTypeAnnotation.decimalType(1, 9))
          .id(11)
          .named("rate")
          .optional(PrimitiveTypeName.BINARY)
          .id(12)
          .named("note")
          .named("table");

  /** Iceberg's view of the file: {@code small} promoted to long, {@code ratio} to double. */
  private static final Schema TABLE_SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "status", Types.StringType.get()),
          Types.NestedField.optional(3, "amount", Types.DecimalType.of(12, 2)),
          Types.NestedField.optional(4, "price", Types.DoubleType.get()),
          Types.NestedField.optional(5, "quantity", Types.IntegerType.get()),
          Types.NestedField.optional(6, "flag", Types.BooleanType.get()),
          Types.NestedField.optional(7, "small", Types.LongType.get()),
          Types.NestedField.optional(8, "ratio", Types.DoubleType.get()),
          Types.NestedField.optional(9, "at", Types.TimestampType.withZone()),
          Types.NestedField.required(10, "weight", Types.FloatType.get()),
          Types.NestedField.optional(11, "rate", Types.DecimalType.of(9, 1)),
          Types.NestedField.optional(12, "note", Types.BinaryType.get()));

  @TempDir Path directory;

  @ParameterizedTest(name = "{0}, dictionary {1}, nulls {2}, deletes {3}, batch {4}")
  @CsvSource({
    "PARQUET_1_0, true, true, false, 4096",
    "PARQUET_1_0, true, true, true, 4096",
    "PARQUET_1_0, false, true, true, 1000",
    "PARQUET_1_0, false, false, false, 8192",
    "PARQUET_1_0, true, false, true, 777",
    "PARQUET_2_0, true, true, true, 4096",
    "PARQUET_2_0, false, true, false, 4096",
    "PARQUET_2_0, true, false, false, 1500",
  })
  void pagesDecodeAsColumnReadersDo(
      WriterVersion version, boolean dictionary, boolean nulls, boolean deletes, int batchRows)
      throws IOException {
    Path file = directory.resolve("data.parquet");
    write(file, version, dictionary, nulls);
    DeletedRows deleted = deletes ? deleted() : DeletedRows.NONE;
    try (BufferAllocator allocator = new RootAllocator()) {
      ScanCounters pageCounters = new ScanCounters();
      List<List<Object>> pages;
      int pageChunks;
      try (ParquetColumnBatches batches =
          open(file, allocator, batchRows, deleted, pageCounters, Decoding.PAGES)) {
        pages = rows(batches);
        pageChunks = batches.pageDecodedChunks();
      }
      List<List<Object>> readers;
      try (ParquetColumnBatches batches =
          open(file, allocator, batchRows, deleted, new ScanCounters(), Decoding.COLUMN_READER)) {
        readers = rows(batches);
        assertThat(batches.pageDecodedChunks()).isZero();
      }
      assertThat(pages).hasSize(ROWS - (int) deleted.count());
      for (int row = 0; row < readers.size(); row++) {
        assertThat(pages.get(row)).as("row %d", row).isEqualTo(readers.get(row));
      }
      long rowGroups = pageCounters.totals().rowGroupsRead();
      assertThat(rowGroups).isGreaterThan(1);
      int columns = TABLE_SCHEMA.columns().size();
      if (version == WriterVersion.PARQUET_1_0) {
        // V1 pages are PLAIN or dictionary encoded: every chunk decodes page by page
        assertThat(pageChunks).isEqualTo(rowGroups * columns);
      } else {
        // V2 writes DELTA_* encodings for some columns: those fall back to column readers
        assertThat(pageChunks).isPositive().isLessThanOrEqualTo((int) (rowGroups * columns));
      }
    }
  }

  /**
   * The string and binary columns read as dictionary ids stand for the values read as values: from
   * dictionary pages, from PLAIN pages after a chunk's dictionary fell back, from chunks only the
   * column readers take (V2's DELTA encodings), and from Iceberg's generic reader encoded after.
   */
  @ParameterizedTest(name = "{0}, dictionary {1}, deletes {2}, batch {3}")
  @CsvSource({
    "PARQUET_1_0, true, true, 4096",
    "PARQUET_1_0, true, false, 777",
    "PARQUET_1_0, false, true, 1000",
    "PARQUET_2_0, true, true, 4096",
  })
  void stringsDecodeAsDictionaryIdsOfTheSameValues(
      WriterVersion version, boolean dictionary, boolean deletes, int batchRows)
      throws IOException {
    Path file = directory.resolve("data.parquet");
    write(file, version, dictionary, true);
    DeletedRows deleted = deletes ? deleted() : DeletedRows.NONE;
    boolean[] encoded = new boolean[TABLE_SCHEMA.columns().size()];
    encoded[1] = true; // status: five values
    encoded[11] = true; // note: 50,000 values, past the dictionary budget
    try (BufferAllocator allocator = new RootAllocator()) {
      List<List<Object>> values;
      try (ParquetColumnBatches batches =
          open(file, allocator, batchRows, deleted, new ScanCounters(), Decoding.PAGES)) {
        values = rows(batches);
      }
      int[] reused = new int[1];
      try (ParquetColumnBatches batches =
          ParquetColumnBatches.open(
              Files.localInput(file.toFile()),
              TABLE_SCHEMA.columns(),
              Map.of(),
              TABLE_SCHEMA,
              Expressions.alwaysTrue(),
              allocator,
              batchRows,
              deleted,
              new ScanCounters(),
              Decoding.PAGES,
              encoded)) {
        assertThat(rows(batches, encoded, reused)).isEqualTo(values);
      }
      if (dictionary) {
        assertThat(reused[0]).as("batches whose ids index a chunk's dictionary").isPositive();
      }
      try (FileBatches batches =
          new EncodingFileBatches(
              new GenericFileBatches(
                  Files.localInput(file.toFile()),
                  TABLE_SCHEMA.columns(),
                  Expressions.alwaysTrue(),
                  Map.of(),
                  null,
                  allocator,
                  batchRows,
                  deleted,
                  new ScanCounters()),
              IcebergBatchScan.batchSchema(TABLE_SCHEMA, encoded),
              encoded,
              allocator)) {
        assertThat(rows(batches, encoded, new int[1])).isEqualTo(values);
      }
    }
  }

  /** {@link #rows(ParquetColumnBatches)} with the {@code encoded} columns' ids looked up. */
  private static List<List<Object>> rows(FileBatches batches, boolean[] encoded, int[] reused)
      throws IOException {
    List<List<Object>> rows = new ArrayList<>();
    for (VectorSchemaRoot next = batches.next(); next != null; next = batches.next()) {
      try (VectorSchemaRoot root = next) {
        for (int column = 0; column < encoded.length; column++) {
          if (encoded[column] && batches.dictionary(column).reused()) {
            reused[0]++;
          }
        }
        for (int row = 0; row < root.getRowCount(); row++) {
          List<Object> values = new ArrayList<>();
          for (int column = 0; column < encoded.length; column++) {
            FieldVector vector = root.getVector(column);
            Object value;
            if (encoded[column]) {
              org.apache.arrow.vector.IntVector ids = (org.apache.arrow.vector.IntVector) vector;
              byte[] entry =
                  ids.isNull(row) ? null : batches.dictionary(column).entry(ids.get(row));
              value =
                  entry == null
                      ? null
                      : column == 1
                          ? new String(entry, java.nio.charset.StandardCharsets.UTF_8)
                          : entry;
            } else {
              value = vector.getObject(row);
            }
            values.add(
                value instanceof byte[] bytes
                    ? java.util.HexFormat.of().formatHex(bytes)
                    : value == null ? null : value.toString());
          }
          rows.add(values);
        }
      }
    }
    return rows;
  }

  private static ParquetColumnBatches open(
      Path file,
      BufferAllocator allocator,
      int batchRows,
      DeletedRows deleted,
      ScanCounters counters,
      Decoding decoding)
      throws IOException {
    ParquetColumnBatches batches =
        ParquetColumnBatches.open(
            Files.localInput(file.toFile()),
            TABLE_SCHEMA.columns(),
            Map.of(),
            TABLE_SCHEMA,
            Expressions.alwaysTrue(),
            allocator,
            batchRows,
            deleted,
            counters,
            decoding,
            null);
    assertThat(batches).as("the file is read column by column").isNotNull();
    return batches;
  }

  /** Every value of every batch, as the vectors answer {@code getObject}. */
  private static List<List<Object>> rows(ParquetColumnBatches batches) throws IOException {
    return rows(batches, new boolean[TABLE_SCHEMA.columns().size()], new int[1]);
  }

  /** Scattered single rows, a run of 2,000 rows that crosses pages, and the last row. */
  private static DeletedRows deleted() {
    TreeSet<Long> positions = new TreeSet<>();
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < 1_500; i++) {
      positions.add(random.nextLong(ROWS));
    }
    for (long position = 9_000; position < 11_000; position++) {
      positions.add(position);
    }
    positions.add((long) ROWS - 1);
    return new DeletedRows(Deletes.toPositionIndex(CloseableIterable.withNoopClose(positions)));
  }

  private static void write(Path file, WriterVersion version, boolean dictionary, boolean nulls)
      throws IOException {
    SimpleGroupFactory groups = new SimpleGroupFactory(FILE_SCHEMA);
    SplittableRandom random = new SplittableRandom(3);
    try (ParquetWriter<Group> writer =
        ExampleParquetWriter.builder(new LocalOutputFile(file))
            .withType(FILE_SCHEMA)
            .withWriterVersion(version)
            .withDictionaryEncoding(dictionary)
            // a small dictionary budget: high-cardinality columns switch to PLAIN mid-chunk
            .withDictionaryPageSize(4 * 1024)
            .withPageRowCountLimit(1_234)
            .withRowGroupRowCountLimit(12_000)
            .build()) {
      for (int row = 0; row < ROWS; row++) {
        Group group = groups.newGroup();
        group.add("id", (long) row);
        // null in runs (rows 5,000 to 5,999) and scattered
        boolean sparse = nulls && (row / 1_000 == 5 || random.nextInt(7) == 0);
        if (!sparse) {
          group.add("status", STATUSES[random.nextInt(STATUSES.length)]);
          group.add("amount", random.nextLong(-1_000_000, 1_000_000));
          group.add("price", random.nextInt(100) / 4.0);
          group.add("quantity", random.nextInt());
          group.add("flag", random.nextBoolean());
          group.add("small", random.nextInt(-50, 50));
          group.add("ratio", random.nextInt(1000) / 8.0f);
          group.add("at", 1_700_000_000_000L + random.nextLong(1_000_000_000L));
          group.add("rate", random.nextInt(-99_999, 99_999));
          group.add("note", "note-" + random.nextInt(50_000));
        }
        group.add("weight", row % 13 / 2.0f);
        writer.write(group);
      }
    }
  }
}
