package dev.tidewater.iceberg;

import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.MetadataColumns;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.DeleteFilter;
import org.apache.iceberg.data.IdentityPartitionConverters;
import org.apache.iceberg.data.parquet.InternalReader;
import org.apache.iceberg.data.parquet.InternalWriter;
import org.apache.iceberg.deletes.PositionDeleteIndex;
import org.apache.iceberg.encryption.EncryptedOutputFile;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.PartitionUtil;
import org.apache.iceberg.util.PropertyUtil;

/**
 * Copy-on-write: writes one data file of a MERGE's target again without its removed rows (the
 * matched ones and those its delete files removed already), in its own partition spec and
 * partition.
 *
 * <p>Files that {@link ParquetColumnBatches} reads (flat columns with field ids, no equality
 * deletes) travel as Arrow batches: decoded column by column with the removed positions skipped
 * while decoding, and written by {@link ArrowParquetWriters} straight from the vectors, as a load
 * writes, with a dictionary limit that keeps the source's dictionary-encoded columns so and lets
 * the others fall back to plain encoding early ({@link RewriteDictionaries}). Any other file takes
 * Iceberg's own Parquet reader and writer, row by row.
 */
final class MergeRewriter {
  /**
   * The system property that, when {@code true}, rewrites every file row by row through Iceberg's
   * reader and writer, as before the Arrow path: for benchmarks and comparison tests.
   */
  static final String ROW_REWRITE_PROPERTY = "tidewater.merge.row-rewrite";

  /** Rows per Arrow batch of a rewrite. */
  static final int BATCH_ROWS = 8192;

  private final Table table;
  private final Schema schema;
  private final FileIO io;
  private final Map<String, String> writeProperties;
  private final List<String> written;
  private final NameMapping mapping;
  private final ScanCounters counters = new ScanCounters();

  MergeRewriter(
      Table table,
      Schema schema,
      FileIO io,
      Map<String, String> writeProperties,
      List<String> written,
      NameMapping mapping) {
    this.table = table;
    this.schema = schema;
    this.io = io;
    this.writeProperties = writeProperties;
    this.written = written;
    this.mapping = mapping;
  }

  /** What the rewrites read so far (row groups, rows, removed rows). */
  ScanCounters.Totals counters() {
    return counters.totals();
  }

  /**
   * Writes the live rows of {@code file} into a new file from {@code outputs}; null when no row is
   * left. {@code allocator} holds the Arrow batches of the vectorized path, one at a time.
   */
  DataFile rewrite(
      MergeTarget file, PartitionSpec spec, OutputFileFactory outputs, BufferAllocator allocator) {
    DataFile data = file.file();
    ParquetColumnBatches batches = vectorized(file, allocator);
    if (batches == null) {
      return rewriteRows(file, spec, outputs);
    }
    EncryptedOutputFile output = newOutputFile(outputs, spec, data.partition());
    String location = output.encryptingOutputFile().location();
    written.add(location);
    DataWriter<ArrowRow> writer;
    try {
      long dictionaries =
          batches.rewriteDictionaryLimit(
              PropertyUtil.propertyAsLong(
                  writeProperties,
                  TableProperties.PARQUET_DICT_SIZE_BYTES,
                  TableProperties.PARQUET_DICT_SIZE_BYTES_DEFAULT));
      writer =
          dataWriter(output, spec, data)
              .set(TableProperties.PARQUET_DICT_SIZE_BYTES, Long.toString(dictionaries))
              .createWriterFunc(message -> ArrowParquetWriters.create(schema, message))
              .build();
    } catch (IOException | RuntimeException e) {
      closeQuietly(batches);
      throw TidewaterException.external(e, "cannot create data file %s: %s", location, e);
    }
    ArrowRow row = new ArrowRow(schema.asStruct());
    try (writer;
        batches) {
      for (VectorSchemaRoot next = batches.next(); next != null; next = batches.next()) {
        try (VectorSchemaRoot batch = next) {
          int rows = batch.getRowCount();
          if (rows == 0) {
            continue;
          }
          // the batches hold the table's columns in table order
          row.reset(batch.getFieldVectors().toArray(new FieldVector[0]));
          for (int i = 0; i < rows; i++) {
            row.moveTo(i);
            writer.write(row);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      throw TidewaterException.external(
          e, "cannot rewrite %s of %s into %s: %s", data.location(), table.name(), location, e);
    }
    return kept(writer.toDataFile(), location);
  }

  /**
   * The Arrow batches of the live rows of {@code file}, or null when the file needs Iceberg's
   * reader (equality deletes, nested columns, no field ids, partition values not in the file).
   */
  private ParquetColumnBatches vectorized(MergeTarget file, BufferAllocator allocator) {
    FileScanTask task = file.task();
    if (task.file().format() != FileFormat.PARQUET || Boolean.getBoolean(ROW_REWRITE_PROPERTY)) {
      return null;
    }
    for (DeleteFile delete : task.deletes()) {
      if (delete.content() == FileContent.EQUALITY_DELETES) {
        return null;
      }
    }
    PositionDeleteIndex removed = MergeTarget.emptyIndex();
    removed.merge(file.matched);
    PositionDeleteIndex previous = file.previous();
    if (previous != null) {
      removed.merge(previous);
    }
    Map<Integer, ?> constants =
        PartitionUtil.constantsMap(task, IdentityPartitionConverters::convertConstant);
    try {
      return ParquetColumnBatches.open(
          io.newInputFile(task.file()),
          schema.columns(),
          constants,
          schema,
          Expressions.alwaysTrue(),
          allocator,
          BATCH_ROWS,
          new DeletedRows(removed),
          counters);
    } catch (IOException | RuntimeException e) {
      throw TidewaterException.external(
          e, "cannot read %s of %s: %s", task.file().location(), table.name(), e);
    }
  }

  /** The general path: rows as Iceberg's internal objects, read and written by Iceberg. */
  private DataFile rewriteRows(MergeTarget file, PartitionSpec spec, OutputFileFactory outputs) {
    DataFile data = file.file();
    List<Types.NestedField> columns = new ArrayList<>(schema.columns());
    columns.add(MetadataColumns.ROW_POSITION);
    RowDeletes deletes = new RowDeletes(file.task(), new Schema(columns));
    Schema required = deletes.requiredSchema();
    int position = required.columns().indexOf(MetadataColumns.ROW_POSITION);
    Map<Integer, ?> constants = PartitionUtil.constantsMap(file.task());
    Parquet.ReadBuilder read =
        Parquet.read(io.newInputFile(data))
            .project(required)
            .createReaderFunc(fileSchema -> InternalReader.create(required, fileSchema, constants))
            .reuseContainers();
    if (mapping != null) {
      read = read.withNameMapping(mapping);
    }
    EncryptedOutputFile output = newOutputFile(outputs, spec, data.partition());
    String location = output.encryptingOutputFile().location();
    written.add(location);
    PositionDeleteIndex replaced = file.matched;
    DataWriter<StructLike> writer;
    try {
      writer =
          dataWriter(output, spec, data)
              .createWriterFunc(message -> InternalWriter.create(schema.asStruct(), message))
              .build();
    } catch (IOException e) {
      throw TidewaterException.external(e, "cannot create data file %s: %s", location, e);
    }
    try (writer;
        CloseableIterable<StructLike> live = deletes.filter(read.<StructLike>build())) {
      for (StructLike row : live) {
        if (!replaced.isDeleted(row.get(position, Long.class))) {
          // the writer takes the table's columns and ignores the trailing position
          writer.write(row);
        }
      }
    } catch (IOException | RuntimeException e) {
      throw TidewaterException.external(
          e, "cannot rewrite %s of %s into %s: %s", data.location(), table.name(), location, e);
    }
    return kept(writer.toDataFile(), location);
  }

  /** The writer of a rewrite of {@code data} into {@code output}, before its value writers. */
  private Parquet.DataWriteBuilder dataWriter(
      EncryptedOutputFile output, PartitionSpec spec, DataFile data) {
    return Parquet.writeData(output)
        .schema(schema)
        .withSpec(spec)
        .withPartition(data.partition())
        .setAll(writeProperties)
        .metricsConfig(MetricsConfig.forTable(table))
        .overwrite();
  }

  /** {@code result}, or null (its file deleted) when it holds no row. */
  private DataFile kept(DataFile result, String location) {
    if (result.recordCount() > 0) {
      return result;
    }
    io.deleteFile(location);
    return null;
  }

  private static void closeQuietly(FileBatches batches) {
    try {
      batches.close();
    } catch (IOException | RuntimeException e) {
      // the failure that led here is reported
    }
  }

  /**
   * A new file beside the data of {@code partition}. Unpartitioned, without the partition path:
   * Iceberg's location provider would join an empty one in as {@code data//file}, a key that
   * S3-compatible stores may refuse.
   */
  static EncryptedOutputFile newOutputFile(
      OutputFileFactory outputs, PartitionSpec spec, StructLike partition) {
    return spec.isUnpartitioned()
        ? outputs.newOutputFile()
        : outputs.newOutputFile(spec, partition);
  }

  /** The delete files of one data file applied to rows of Iceberg's internal object model. */
  private final class RowDeletes extends DeleteFilter<StructLike> {
    RowDeletes(FileScanTask task, Schema requested) {
      super(task.file().location(), task.deletes(), schema, requested);
    }

    @Override
    protected StructLike asStructLike(StructLike row) {
      return row;
    }

    @Override
    protected InputFile getInputFile(String location) {
      return io.newInputFile(location);
    }
  }
}
