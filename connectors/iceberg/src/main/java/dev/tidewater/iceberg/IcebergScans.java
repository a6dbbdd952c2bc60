package dev.tidewater.iceberg;

import static java.util.Objects.requireNonNull;

import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Binder;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.CloseableIterator;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.PropertyUtil;
import org.apache.iceberg.util.SnapshotUtil;

/** Reads Iceberg tables as Arrow batches, for queries. */
public final class IcebergScans {
  /** Files read at once by one scan: the machine's cores, at most four. */
  public static final int PARALLELISM =
      Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

  /**
   * A system property that sends every query through Iceberg's generic reader and Calcite's
   * row-by-row operators, as before vectorized reads: for benchmarks and comparison tests.
   */
  public static final String ROW_BY_ROW_PROPERTY = "tidewater.query.row-by-row";

  private IcebergScans() {}

  /**
   * Opens a reader over the rows of {@code table} at snapshot {@code snapshotIdOrNull} (null: the
   * current one), with delete files applied: column by column and several files at once ({@link
   * IcebergBatchScan}) where it can, else through Iceberg's generic reader. Batches hold {@code
   * columns} in the order given (empty: every column) with schema {@link ArrowSchemas#toArrow} of
   * that projection, and at most {@code batchRows} rows.
   *
   * <p>{@code filter} is pushed down to prune files and row groups; it may reference columns
   * outside the projection. The pushdown may keep rows that do not match, so the caller must
   * evaluate its predicate again.
   */
  public static BatchReader open(
      Table table,
      Long snapshotIdOrNull,
      List<String> columns,
      Expression filter,
      BufferAllocator allocator,
      int batchRows) {
    requireNonNull(table, "table is null");
    requireNonNull(columns, "columns is null");
    requireNonNull(allocator, "allocator is null");
    TidewaterException.check(batchRows > 0, "batchRows must be positive: %d", batchRows);
    Expression where = filter == null ? Expressions.alwaysTrue() : filter;

    Snapshot snapshot =
        snapshotIdOrNull == null ? table.currentSnapshot() : table.snapshot(snapshotIdOrNull);
    Schema schema = schemaAt(table, snapshotIdOrNull);
    IcebergBatchScan batchScan = IcebergBatchScan.plan(table, snapshotIdOrNull, columns, where);
    if (batchScan.vectorized() && !Boolean.getBoolean(ROW_BY_ROW_PROPERTY)) {
      return batchScan.open(allocator, batchRows, PARALLELISM, new ScanCounters());
    }
    Schema projection = project(table, schema, columns);
    Schema readSchema = withFilterColumns(table, schema, projection, where);

    IcebergGenerics.ScanBuilder scan =
        IcebergGenerics.read(table).project(readSchema).where(where).caseInsensitive();
    if (snapshotIdOrNull != null) {
      scan = scan.useSnapshot(snapshotIdOrNull);
    }
    CloseableIterable<Record> records;
    try {
      records = scan.build();
    } catch (IllegalArgumentException | org.apache.iceberg.exceptions.ValidationException e) {
      throw TidewaterException.user("cannot scan table %s: %s", table.name(), e.getMessage());
    } catch (RuntimeException e) {
      throw TidewaterException.external(e, "cannot scan table %s: %s", table.name(), e);
    }
    return new RecordBatchReader(table.name(), snapshot, projection, records, allocator, batchRows);
  }

  /** The schema of the table at the snapshot (null: the current schema). */
  static Schema schemaAt(Table table, Long snapshotIdOrNull) {
    if (snapshotIdOrNull == null) {
      return table.schema();
    }
    TidewaterException.check(
        table.snapshot(snapshotIdOrNull) != null,
        "table %s has no snapshot %d",
        table.name(),
        snapshotIdOrNull);
    return SnapshotUtil.schemaFor(table, snapshotIdOrNull);
  }

  /** The top-level {@code columns} of {@code schema}, in that order (empty: all of them). */
  static Schema project(Table table, Schema schema, List<String> columns) {
    if (columns.isEmpty()) {
      return schema;
    }
    List<Types.NestedField> fields = new ArrayList<>();
    Set<Integer> seen = new LinkedHashSet<>();
    for (String column : columns) {
      Types.NestedField field = topLevelColumn(schema, column);
      if (field == null) {
        throw TidewaterException.user(
            "table %s has no column '%s' (columns: %s)",
            table.name(),
            column,
            String.join(", ", schema.columns().stream().map(Types.NestedField::name).toList()));
      }
      TidewaterException.check(
          seen.add(field.fieldId()), "column '%s' is selected twice from %s", column, table.name());
      fields.add(field);
    }
    return new Schema(fields);
  }

  private static Types.NestedField topLevelColumn(Schema schema, String name) {
    Types.NestedField field = schema.asStruct().field(name);
    if (field != null) {
      return field;
    }
    for (Types.NestedField column : schema.columns()) {
      if (column.name().equalsIgnoreCase(name)) {
        return column;
      }
    }
    return null;
  }

  /** Adds the top-level columns the filter needs that the projection lacks, after it. */
  private static Schema withFilterColumns(
      Table table, Schema schema, Schema projection, Expression filter) {
    Set<Integer> referenced;
    try {
      referenced = Binder.boundReferences(schema.asStruct(), List.of(filter), false);
    } catch (RuntimeException e) {
      throw TidewaterException.user(
          "cannot filter table %s by %s: %s", table.name(), filter, e.getMessage());
    }
    List<Types.NestedField> fields = new ArrayList<>(projection.columns());
    for (Types.NestedField column : schema.columns()) {
      if (projection.findField(column.fieldId()) == null
          && referencesAny(column, referenced, schema)) {
        fields.add(column);
      }
    }
    return fields.size() == projection.columns().size() ? projection : new Schema(fields);
  }

  private static boolean referencesAny(Types.NestedField column, Set<Integer> ids, Schema schema) {
    for (Integer id : ids) {
      if (id == column.fieldId()) {
        return true;
      }
      // a nested field of this column
      String name = schema.findColumnName(id);
      if (name != null && name.startsWith(column.name() + ".")) {
        return true;
      }
    }
    return false;
  }

  /** Copies generic records into a reused Arrow root. */
  private static final class RecordBatchReader implements BatchReader {
    private final String tableName;
    private final List<Types.NestedField> columns;
    private final CloseableIterable<Record> records;
    private final CloseableIterator<Record> iterator;
    private final VectorSchemaRoot root;
    private final int batchRows;
    private final long totalRecords;
    private final long totalBytes;
    private long rowsBeforeBatch;
    private long rowsRead;

    RecordBatchReader(
        String tableName,
        Snapshot snapshot,
        Schema projection,
        CloseableIterable<Record> records,
        BufferAllocator allocator,
        int batchRows) {
      this.tableName = tableName;
      this.columns = projection.columns();
      this.records = records;
      this.batchRows = batchRows;
      Map<String, String> summary = snapshot == null ? Map.of() : snapshot.summary();
      this.totalRecords =
          PropertyUtil.propertyAsLong(summary, SnapshotSummary.TOTAL_RECORDS_PROP, 0);
      this.totalBytes =
          PropertyUtil.propertyAsLong(summary, SnapshotSummary.TOTAL_FILE_SIZE_PROP, 0);
      VectorSchemaRoot created =
          VectorSchemaRoot.create(ArrowSchemas.toArrow(projection), allocator);
      try {
        created.allocateNew();
        this.iterator = records.iterator();
      } catch (RuntimeException e) {
        created.close();
        throw TidewaterException.external(e, "cannot read table %s: %s", tableName, e);
      }
      this.root = created;
    }

    @Override
    public org.apache.arrow.vector.types.pojo.Schema schema() {
      return root.getSchema();
    }

    @Override
    public boolean next() {
      rowsBeforeBatch += root.getRowCount();
      List<FieldVector> vectors = root.getFieldVectors();
      for (FieldVector vector : vectors) {
        vector.reset();
      }
      int rows = 0;
      try {
        while (rows < batchRows && iterator.hasNext()) {
          Record record = iterator.next();
          for (int i = 0; i < vectors.size(); i++) {
            RecordToArrow.set(vectors.get(i), rows, record.get(i), columns.get(i).type());
          }
          rows++;
        }
      } catch (TidewaterException e) {
        throw e;
      } catch (RuntimeException e) {
        throw TidewaterException.external(
            e, "cannot read table %s after row %d: %s", tableName, rowsRead + rows, e);
      }
      root.setRowCount(rows);
      rowsRead += rows;
      return rows > 0;
    }

    @Override
    public VectorSchemaRoot root() {
      return root;
    }

    @Override
    public String position(int rowIndex) {
      return tableName + " row " + (rowsBeforeBatch + rowIndex + 1);
    }

    @Override
    public long bytesRead() {
      // Generic records do not say which file they came from; estimate from the snapshot totals.
      if (totalRecords <= 0) {
        return 0;
      }
      return (long) ((double) totalBytes * Math.min(rowsRead, totalRecords) / totalRecords);
    }

    @Override
    public void close() {
      try (root) {
        iterator.close();
        records.close();
      } catch (IOException e) {
        throw TidewaterException.external(e, "cannot close the scan of table %s", tableName);
      }
    }
  }
}
