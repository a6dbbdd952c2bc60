package dev.tidewater.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.iceberg.AllTypes.Row;
import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.TidewaterException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.Test;

/**
 * Files that {@link ParquetBatchSink} writes with its own appender and per-column dictionary
 * choice, against the same rows written by Iceberg's own Parquet writer: the same values through
 * Iceberg's generic reader and through Tidewater's page decoder, the same column metrics, and
 * dictionaries only where values repeat.
 */
class ArrowParquetAppenderTest extends CatalogTestBase {
  private static final int ROWS = 3_000;
  private static final Set<String> REPEATING =
      Set.of("small", "tiny_amount", "name", "payload", "day");
  private static final Set<String> DISTINCT =
      Set.of(
          "id",
          "count",
          "ratio",
          "score",
          "amount",
          "big_amount",
          "note",
          "ts",
          "ts_millis",
          "tstz",
          "tstz_nanos");

  @Test
  void choosesDictionariesPerColumnAndWritesWhatIcebergsWriterWrites() throws Exception {
    List<Row> rows = rows();
    Table ours = createTable("ours", AllTypes.SCHEMA, PartitionSpec.unpartitioned());
    // A bloom filter is a setting the appender leaves to Iceberg's writer: the reference.
    Table iceberg =
        Tables.createOrLoad(
            catalog,
            TableIdentifier.of("sales", "iceberg"),
            ArrowSchemas.toIceberg(AllTypes.SCHEMA),
            PartitionSpec.unpartitioned(),
            Map.of(TableProperties.PARQUET_BLOOM_FILTER_COLUMN_ENABLED_PREFIX + "id", "true"));
    DataFile oursFile = write(ours, rows, Map.of());
    DataFile icebergFile = write(iceberg, rows, Map.of());

    Map<String, ColumnChunkMetaData> chunks = chunks(oursFile);
    for (String column : DISTINCT) {
      assertThat(chunks.get(column).hasDictionaryPage()).as(column).isFalse();
      assertThat(chunks.get(column).getEncodings())
          .as(column)
          .doesNotContain(Encoding.PLAIN_DICTIONARY, Encoding.RLE_DICTIONARY);
    }
    for (String column : REPEATING) {
      assertThat(chunks.get(column).hasDictionaryPage()).as(column).isTrue();
      assertThat(chunks.get(column).getEncodingStats().hasNonDictionaryEncodedPages())
          .as(column)
          .isFalse();
    }
    // nested columns are left to Parquet: every one starts with a dictionary
    assertThat(chunks.get("address.city").hasDictionaryPage()).isTrue();

    assertThat(oursFile.recordCount()).isEqualTo(icebergFile.recordCount()).isEqualTo(ROWS + 2);
    assertThat(oursFile.valueCounts()).isEqualTo(icebergFile.valueCounts());
    assertThat(oursFile.nullValueCounts()).isEqualTo(icebergFile.nullValueCounts());
    assertThat(oursFile.nanValueCounts()).isEqualTo(icebergFile.nanValueCounts());
    assertThat(oursFile.lowerBounds()).isEqualTo(icebergFile.lowerBounds());
    assertThat(oursFile.upperBounds()).isEqualTo(icebergFile.upperBounds());
    assertThat(oursFile.splitOffsets()).isNotEmpty();
    int score = ours.schema().findField("score").fieldId();
    assertThat(oursFile.nullValueCounts()).containsEntry(score, (long) ROWS / 3 + 1);
    assertThat(oursFile.nanValueCounts()).containsEntry(score, 1L);

    List<Record> read = readAll(ours);
    assertThat(read).isEqualTo(readAll(iceberg));
    assertThat(read).hasSize(ROWS + 2);
    for (Record record : read.subList(0, ROWS)) {
      long id = (Long) record.getField("id");
      assertThat(record.getField("name")).isEqualTo("status-" + id % 5);
      assertThat(record.getField("note")).isEqualTo("note-" + id);
      assertThat(record.getField("day")).isEqualTo(LocalDate.of(2024, 1, 1).plusDays(id % 30));
      assertThat(record.getField("score")).isEqualTo(id % 3 == 0 ? null : id * 1.25);
    }

    // Tidewater's own query path decodes the plain and the dictionary pages alike
    assertThat(scan(ours)).isEqualTo(scan(iceberg)).hasSize(ROWS + 2);
  }

  @Test
  void theParquetOptionStartsEveryColumnWithADictionary() throws Exception {
    Table table = createTable("parquet_choice", AllTypes.SCHEMA, PartitionSpec.unpartitioned());
    DataFile file =
        write(
            table,
            rows(),
            Map.of(ParquetBatchSink.DICTIONARY_OPTION.toUpperCase(Locale.ROOT), "parquet"));
    // Each count appears twice: Parquet keeps a dictionary that saves less than half the bytes,
    // which the per-column choice does not (see the first test)
    Map<String, ColumnChunkMetaData> chunks = chunks(file);
    assertThat(chunks.get("count").hasDictionaryPage()).isTrue();
    assertThat(chunks.get("name").hasDictionaryPage()).isTrue();
    assertThat(chunks.get("id").hasDictionaryPage()).isFalse();

    assertThatThrownBy(
            () -> new ParquetBatchSink(table, Map.of("parquet_dictionary", "never"), 0, 1))
        .isInstanceOf(TidewaterException.class)
        .hasMessageContaining("parquet_dictionary = 'never'")
        .hasMessageContaining("'auto' or 'parquet'");
  }

  private static List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    for (long id = 1; id <= ROWS; id++) {
      rows.add(
          new Row(
              id,
              (short) (id % 7),
              (int) (id / 2) * 10,
              id % 2 == 0,
              id / 4f,
              id % 3 == 0 ? null : id * 1.25,
              BigDecimal.valueOf(id * 100 + 1, 2),
              BigDecimal.valueOf(id % 10, 1),
              BigDecimal.valueOf(id * 7, 4),
              "status-" + id % 5,
              "note-" + id,
              new byte[] {(byte) id},
              LocalDate.of(2024, 1, 1).plusDays(id % 30),
              id * 1_000_001L,
              id * 1_001L,
              -id * 1_000_003L,
              id * 1_000_000_007L,
              "city-" + id % 3,
              (int) id % 11,
              List.of("t" + id % 4)));
    }
    rows.add(Row.nulls(ROWS + 1));
    Row last = rows.get(0);
    rows.add(
        new Row(
            ROWS + 2,
            last.small(),
            last.count(),
            last.flag(),
            Float.NaN,
            Double.NaN,
            last.amount(),
            last.tinyAmount(),
            last.bigAmount(),
            last.name(),
            last.note(),
            last.payload(),
            last.day(),
            last.tsMicros(),
            last.tsMillis(),
            last.tstzMicros(),
            last.tstzNanos(),
            last.city(),
            last.zip(),
            last.tags()));
    return rows;
  }

  /** Writes {@code rows} in two batches (the first decides) and commits them; the one file. */
  private DataFile write(Table table, List<Row> rows, Map<String, String> options) {
    WriteResult result;
    try (ParquetBatchSink sink = new ParquetBatchSink(table, options, 0, 1);
        VectorSchemaRoot first = AllTypes.batch(allocator, rows.subList(0, 2_000));
        VectorSchemaRoot second = AllTypes.batch(allocator, rows.subList(2_000, rows.size()))) {
      sink.append(first);
      sink.append(second);
      result = sink.finish();
    }
    TableCommitters.append().commit(table, result, Map.of("tidewater.load-id", table.name()));
    assertThat(result.dataFiles()).hasSize(1);
    return result.dataFiles().get(0);
  }

  private static Map<String, ColumnChunkMetaData> chunks(DataFile file) throws Exception {
    Map<String, ColumnChunkMetaData> chunks = new HashMap<>();
    try (ParquetFileReader reader =
        ParquetFileReader.open(
            HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(file.location()), new Configuration()))) {
      List<BlockMetaData> blocks = reader.getFooter().getBlocks();
      assertThat(blocks).hasSize(1);
      for (ColumnChunkMetaData chunk : blocks.get(0).getColumns()) {
        chunks.put(chunk.getPath().toDotString(), chunk);
      }
    }
    return chunks;
  }

  /** The flat columns through the vectorized scan, one string per row, ordered by id. */
  private List<String> scan(Table table) {
    List<String> columns = List.of("id", "small", "score", "amount", "name", "note", "day", "ts");
    IcebergBatchScan scan = IcebergBatchScan.plan(table, null, columns, Expressions.alwaysTrue());
    assertThat(scan.vectorized()).isTrue();
    List<String> rows = new ArrayList<>();
    try (BatchReader reader = scan.open(allocator, 1_000, 1, new ScanCounters())) {
      while (reader.next()) {
        VectorSchemaRoot root = reader.root();
        for (int i = 0; i < root.getRowCount(); i++) {
          StringBuilder row = new StringBuilder();
          for (FieldVector vector : root.getFieldVectors()) {
            row.append(vector.getObject(i)).append('|');
          }
          rows.add(row.toString());
        }
      }
    }
    rows.sort(
        (a, b) ->
            Long.compare(
                Long.parseLong(a.substring(0, a.indexOf('|'))),
                Long.parseLong(b.substring(0, b.indexOf('|')))));
    return rows;
  }
}
