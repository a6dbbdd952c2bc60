package dev.tidewater.iceberg;

import static java.util.Objects.requireNonNull;

import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.TableScan;
import org.apache.iceberg.data.BaseDeleteLoader;
import org.apache.iceberg.data.IdentityPartitionConverters;
import org.apache.iceberg.deletes.PositionDeleteIndex;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.PartitionUtil;

/**
 * A planned scan of an Iceberg table read as Arrow batches: the data files that the filter can
 * match (Iceberg's manifest statistics prune the rest), each read column by column ({@link
 * ParquetColumnBatches}) with its position deletes or deletion vector applied per batch, several
 * files at once. Scans whose files carry equality deletes or are not Parquet are not {@link
 * #vectorized()}; {@link IcebergScans} reads those with Iceberg's generic reader.
 */
public final class IcebergBatchScan {
  /**
   * Page-by-page decoding unless {@code -Dtidewater.parquet.column-reader=true} asks for
   * parquet-java's value-at-a-time column readers (to compare the two in benchmarks).
   */
  private static final ParquetColumnBatches.Decoding DECODING =
      Boolean.getBoolean("tidewater.parquet.column-reader")
          ? ParquetColumnBatches.Decoding.COLUMN_READER
          : ParquetColumnBatches.Decoding.PAGES;

  private final Table table;
  private final Schema tableSchema;
  private final Schema projection;
  private final Expression filter;
  private final List<FileScanTask> tasks;
  private final boolean vectorized;

  private IcebergBatchScan(
      Table table,
      Schema tableSchema,
      Schema projection,
      Expression filter,
      List<FileScanTask> tasks) {
    this.table = table;
    this.tableSchema = tableSchema;
    this.projection = projection;
    this.filter = filter;
    this.tasks = List.copyOf(tasks);
    this.vectorized = tasks.stream().allMatch(IcebergBatchScan::readable);
  }

  /**
   * Plans the scan of {@code columns} (top-level, in the order given) of {@code table} at {@code
   * snapshotIdOrNull} (null: the current snapshot). {@code filter} prunes files and row groups
   * only: rows that do not match may remain.
   */
  public static IcebergBatchScan plan(
      Table table, Long snapshotIdOrNull, List<String> columns, Expression filter) {
    requireNonNull(table, "table is null");
    Expression where = filter == null ? Expressions.alwaysTrue() : filter;
    Schema schema = IcebergScans.schemaAt(table, snapshotIdOrNull);
    Schema projection = IcebergScans.project(table, schema, columns);
    TableScan scan = table.newScan().caseSensitive(false).filter(where).project(projection);
    if (snapshotIdOrNull != null) {
      scan = scan.useSnapshot(snapshotIdOrNull);
    }
    List<FileScanTask> tasks = new ArrayList<>();
    try (CloseableIterable<FileScanTask> files = scan.planFiles()) {
      files.forEach(tasks::add);
    } catch (IllegalArgumentException | org.apache.iceberg.exceptions.ValidationException e) {
      throw TidewaterException.user("cannot scan table %s: %s", table.name(), e.getMessage());
    } catch (IOException | RuntimeException e) {
      throw TidewaterException.external(e, "cannot plan the scan of table %s: %s", table.name(), e);
    }
    return new IcebergBatchScan(table, schema, projection, where, tasks);
  }

  private static boolean readable(FileScanTask task) {
    if (task.file().format() != FileFormat.PARQUET) {
      return false;
    }
    for (DeleteFile delete : task.deletes()) {
      if (delete.content() == FileContent.EQUALITY_DELETES) {
        return false;
      }
    }
    return true;
  }

  /** Whether this reader can read every file (else: the generic reader's job). */
  public boolean vectorized() {
    return vectorized;
  }

  /** The columns read, as an Iceberg schema. */
  public Schema projection() {
    return projection;
  }

  /** The data files the scan reads. */
  public int files() {
    return tasks.size();
  }

  /**
   * The number of rows without reading a data file: the manifests' record counts, less the
   * positions that position delete files or deletion vectors remove (loaded, as a read would load
   * them; they are small next to the data). Present when the filter is true for every row of every
   * file kept (residuals all true) and no file has equality deletes.
   */
  public OptionalLong rowCountFromStatistics() {
    long rows = 0;
    for (FileScanTask task : tasks) {
      if (!readable(task) || !task.residual().isEquivalentTo(Expressions.alwaysTrue())) {
        return OptionalLong.empty();
      }
      rows += task.file().recordCount();
    }
    FileIO io = table.io();
    for (FileScanTask task : tasks) {
      if (!task.deletes().isEmpty()) {
        rows -= deletedRows(table, io, task).count();
      }
    }
    return OptionalLong.of(rows);
  }

  /**
   * Opens the batches of the scan, reading up to {@code parallelism} files at once; counts what is
   * read into {@code counters}.
   */
  public BatchReader open(
      BufferAllocator allocator, int batchRows, int parallelism, ScanCounters counters) {
    return open(allocator, batchRows, parallelism, counters, true);
  }

  /**
   * {@link #open(BufferAllocator, int, int, ScanCounters)}, with the batches in file order when
   * {@code ordered}, else in the order the threads read them (for a consumer to which the order
   * does not matter, such as an aggregate: no thread then waits for an earlier file to be
   * consumed).
   */
  public BatchReader open(
      BufferAllocator allocator,
      int batchRows,
      int parallelism,
      ScanCounters counters,
      boolean ordered) {
    return open(allocator, batchRows, parallelism, counters, ordered, Set.of());
  }

  /**
   * {@link #open(BufferAllocator, int, int, ScanCounters, boolean)}, with the string or binary
   * columns at the positions {@code encoded} names (in the projection) read as dictionary ids: an
   * {@code Int32} vector whose field has a {@link
   * org.apache.arrow.vector.types.pojo.DictionaryEncoding}, and the entries the ids index from
   * {@link DictionaryBatchReader#dictionary} for each batch. A dictionary page's entries are one
   * object for all the batches of its row group, so a consumer (a GROUP BY) does its work once per
   * entry instead of once per row.
   */
  public DictionaryBatchReader open(
      BufferAllocator allocator,
      int batchRows,
      int parallelism,
      ScanCounters counters,
      boolean ordered,
      Set<Integer> encoded) {
    TidewaterException.check(vectorized, "table %s needs the generic reader", table.name());
    TidewaterException.check(batchRows > 0, "batchRows must be positive: %d", batchRows);
    FileIO io = table.io();
    List<Types.NestedField> fields = projection.columns();
    boolean[] encodedFields = new boolean[fields.size()];
    for (int column : encoded) {
      TidewaterException.check(
          column >= 0 && column < fields.size() && encodable(fields.get(column)),
          "column %d of the scan of %s is not a string or binary column",
          column,
          table.name());
      encodedFields[column] = true;
    }
    boolean encodes = !encoded.isEmpty();
    NameMapping nameMapping = nameMapping(table);
    List<String> names = tasks.stream().map(task -> task.file().location()).toList();
    org.apache.arrow.vector.types.pojo.Schema batchSchema = batchSchema(projection, encodedFields);
    return new ParallelBatchReader(
        table.name(),
        names,
        batchSchema,
        index -> {
          FileScanTask task = tasks.get(index);
          DeletedRows deleted = deletedRows(table, io, task);
          Map<Integer, ?> constants =
              PartitionUtil.constantsMap(task, IdentityPartitionConverters::convertConstant);
          org.apache.iceberg.io.InputFile file = io.newInputFile(task.file().location());
          ParquetColumnBatches columns =
              ParquetColumnBatches.open(
                  file,
                  fields,
                  constants,
                  tableSchema,
                  task.residual(),
                  allocator,
                  batchRows,
                  deleted,
                  counters,
                  DECODING,
                  encodedFields);
          if (columns != null) {
            return columns;
          }
          FileBatches generic =
              new GenericFileBatches(
                  file,
                  fields,
                  task.residual(),
                  constants,
                  nameMapping,
                  allocator,
                  batchRows,
                  deleted,
                  counters);
          return encodes
              ? new EncodingFileBatches(generic, batchSchema, encodedFields, allocator)
              : generic;
        },
        allocator,
        parallelism,
        counters,
        ordered,
        encodes);
  }

  /** Whether a column can be read as dictionary ids: strings and binaries. */
  static boolean encodable(Types.NestedField field) {
    return field.type().typeId() == org.apache.iceberg.types.Type.TypeID.STRING
        || field.type().typeId() == org.apache.iceberg.types.Type.TypeID.BINARY;
  }

  /** The Arrow schema of the batches: the fields {@code encoded} marks as dictionary ids. */
  static org.apache.arrow.vector.types.pojo.Schema batchSchema(Schema schema, boolean[] encoded) {
    org.apache.arrow.vector.types.pojo.Schema values = ArrowSchemas.toArrow(schema);
    if (encoded == null) {
      return values;
    }
    List<org.apache.arrow.vector.types.pojo.Field> fields = new ArrayList<>(values.getFields());
    for (int i = 0; i < fields.size(); i++) {
      if (encoded[i]) {
        fields.set(i, ColumnDictionary.idsField(fields.get(i), schema.columns().get(i).fieldId()));
      }
    }
    return new org.apache.arrow.vector.types.pojo.Schema(fields, values.getCustomMetadata());
  }

  /** The rows of {@code task}'s file that its deletes remove, from the cache when it has them. */
  private static DeletedRows deletedRows(Table table, FileIO io, FileScanTask task) {
    if (task.deletes().isEmpty()) {
      return DeletedRows.NONE;
    }
    return DeletedRowsCache.SHARED.get(
        DeletedRowsCache.key(table, task),
        () -> {
          PositionDeleteIndex index =
              new BaseDeleteLoader(io::newInputFile)
                  .loadPositionDeletes(task.deletes(), task.file().location());
          return new DeletedRows(index);
        });
  }

  private static NameMapping nameMapping(Table table) {
    String json = table.properties().get(TableProperties.DEFAULT_NAME_MAPPING);
    return json == null ? null : NameMappingParser.fromJson(json);
  }
}
