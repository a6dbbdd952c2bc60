package dev.tidewater.iceberg;

import static java.util.Objects.requireNonNull;

import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
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
    TidewaterException.check(vectorized, "table %s needs the generic reader", table.name());
    TidewaterException.check(batchRows > 0, "batchRows must be positive: %d", batchRows);
    FileIO io = table.io();
    List<Types.NestedField> fields = projection.columns();
    NameMapping nameMapping = nameMapping(table);
    List<String> names = tasks.stream().map(task -> task.file().location()).toList();
    return new ParallelBatchReader(
        table.name(),
        names,
        ArrowSchemas.toArrow(projection),
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
                  DECODING);
          if (columns != null) {
            return columns;
          }
          return new GenericFileBatches(
              file,
              fields,
              task.residual(),
              constants,
              nameMapping,
              allocator,
              batchRows,
              deleted,
              counters);
        },
        allocator,
        parallelism,
        counters,
        ordered);
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
