package dev.tidewater.planner.contract;

import static java.util.Objects.requireNonNull;

import dev.tidewater.iceberg.ArrowSchemas;
import dev.tidewater.iceberg.ParquetBatchSink;
import dev.tidewater.iceberg.TableCommitters;
import dev.tidewater.iceberg.Tables;
import dev.tidewater.iceberg.WriteResult;
import dev.tidewater.spi.TidewaterException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFiles;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.types.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a load's rejected rows into a quarantine Iceberg table ({@code <table>__rejected} by
 * default), in one snapshot whose summary carries the load id. A missing table is created, with
 * {@link #SCHEMA}, in the same commit as its first rows (a load without rejected rows, or one that
 * aborts, leaves no table behind); an older quarantine table without {@code raw_record} gains it in
 * that commit too.
 *
 * <p>Thread-safe: reader threads {@link #add} their violations as they go; rows are buffered in
 * batches of {@value #BATCH_ROWS} and written as Parquet, so memory stays bounded.
 */
public final class QuarantineWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(QuarantineWriter.class);

  /** The columns of a quarantine table. */
  public static final Schema SCHEMA =
      new Schema(
          Types.NestedField.optional(1, "load_id", Types.StringType.get()),
          Types.NestedField.optional(2, "source", Types.StringType.get()),
          Types.NestedField.optional(3, "source_position", Types.StringType.get()),
          Types.NestedField.optional(4, "rule", Types.StringType.get()),
          Types.NestedField.optional(5, "reason", Types.StringType.get()),
          Types.NestedField.optional(6, "row_json", Types.StringType.get()),
          Types.NestedField.optional(7, "rejected_at", Types.TimestampType.withZone()),
          Types.NestedField.optional(8, "raw_record", Types.StringType.get()));

  /** The suffix of the default quarantine table's name. */
  public static final String DEFAULT_SUFFIX = "__rejected";

  static final int BATCH_ROWS = 4096;
  private static final org.apache.arrow.vector.types.pojo.Schema ARROW_SCHEMA =
      ArrowSchemas.toArrow(SCHEMA);

  private final Catalog catalog;
  private final TableIdentifier tableId;
  private final String loadId;
  private final String source;
  private final BufferAllocator allocator;
  private final boolean ownsAllocator;
  private final List<Pending> pending = new ArrayList<>();
  private Transaction transaction;
  private boolean isCreate;
  private List<DataFile> committedFiles = List.of();
  private Table table;
  private ParquetBatchSink sink;
  private long rows;
  private boolean done;

  private record Pending(Violation violation, long rejectedAtMicros) {}

  /** A writer with an allocator of its own. */
  public QuarantineWriter(
      Catalog catalog, TableIdentifier quarantineTable, String loadId, String source) {
    this(catalog, quarantineTable, loadId, source, new RootAllocator(), true);
  }

  /** A writer whose buffers come from {@code allocator} (the statement's). */
  public QuarantineWriter(
      Catalog catalog,
      TableIdentifier quarantineTable,
      String loadId,
      String source,
      BufferAllocator allocator) {
    this(catalog, quarantineTable, loadId, source, allocator, false);
  }

  private QuarantineWriter(
      Catalog catalog,
      TableIdentifier quarantineTable,
      String loadId,
      String source,
      BufferAllocator allocator,
      boolean ownsAllocator) {
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.tableId = requireNonNull(quarantineTable, "quarantineTable is null");
    this.loadId = requireNonNull(loadId, "loadId is null");
    this.source = requireNonNull(source, "source is null");
    this.allocator = requireNonNull(allocator, "allocator is null");
    this.ownsAllocator = ownsAllocator;
  }

  /** The default quarantine table of a load's target: {@code <table>__rejected} beside it. */
  public static TableIdentifier defaultTable(TableIdentifier target) {
    return TableIdentifier.of(target.namespace(), target.name() + DEFAULT_SUFFIX);
  }

  /** Buffers rejected rows; writes a Parquet batch whenever {@value #BATCH_ROWS} are buffered. */
  public synchronized void add(List<Violation> violations) {
    checkOpen();
    Instant now = Instant.now();
    long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    for (Violation violation : violations) {
      pending.add(new Pending(violation, micros));
      rows++;
      if (pending.size() >= BATCH_ROWS) {
        flush();
      }
    }
  }

  /** Rows added so far. */
  public synchronized long rowCount() {
    return rows;
  }

  /**
   * Appends every added row to the quarantine table in one snapshot (summary {@code
   * tidewater.load-id}, {@code tidewater.source}, {@code tidewater.rows-rejected}); returns its id,
   * or -1 when no row was added (and no table was created).
   */
  public synchronized long commit() {
    checkOpen();
    try {
      flush();
      if (sink == null) {
        return -1;
      }
      WriteResult written = sink.finish();
      Map<String, String> summary = new LinkedHashMap<>();
      summary.put("tidewater.load-id", loadId);
      summary.put("tidewater.source", source);
      summary.put("tidewater.rows-rejected", Long.toString(rows));
      try {
        long snapshot;
        try {
          snapshot = TableCommitters.append().commit(transaction, written, summary);
        } catch (RuntimeException e) {
          if (!createdMeanwhile(e)) {
            throw e;
          }
          // Another load created the quarantine table since this one staged it: the schema is
          // fixed, so the files fit that table.
          snapshot =
              TableCommitters.append()
                  .commit(catalog.loadTable(tableId).newTransaction(), written, summary);
        }
        committedFiles = List.copyOf(written.dataFiles());
        return snapshot;
      } catch (RuntimeException e) {
        if (!TableCommitters.commitStateUnknown(e)) {
          sink.abort(); // nothing was committed: delete the files
        }
        throw e;
      }
    } finally {
      finish();
    }
  }

  private boolean createdMeanwhile(RuntimeException error) {
    if (transaction == null || table == null || !isCreate) {
      return false;
    }
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof AlreadyExistsException) {
        return true;
      }
    }
    return false;
  }

  /**
   * Takes the committed rows out again (one more snapshot that deletes their files), when the
   * load's own commit failed after them: nothing of a failed load should stay. Best effort — a
   * failure is logged, and the rows stay identifiable by their load id.
   */
  public synchronized void undo() {
    if (committedFiles.isEmpty()) {
      return;
    }
    try {
      DeleteFiles delete = catalog.loadTable(tableId).newDelete();
      committedFiles.forEach(file -> delete.deleteFile(file.location()));
      delete.set("tidewater.load-id", loadId);
      delete.set("tidewater.undo", "the load's own commit failed");
      delete.commit();
      committedFiles = List.of();
    } catch (RuntimeException e) {
      LOG.warn(
          "cannot take the rejected rows of failed load {} out of {} again: {}",
          loadId,
          tableId,
          e.toString());
    }
  }

  /** Drops everything added and deletes the files written so far. */
  public synchronized void abort() {
    if (done) {
      return;
    }
    try {
      if (sink != null) {
        sink.abort();
      }
    } finally {
      finish();
    }
  }

  /** Aborts unless committed. */
  @Override
  public void close() {
    abort();
  }

  private void finish() {
    done = true;
    pending.clear();
    if (ownsAllocator) {
      allocator.close();
    }
  }

  private void checkOpen() {
    if (done) {
      throw TidewaterException.internal(
          null, "the quarantine writer of load %s is already committed or aborted", loadId);
    }
  }

  private void flush() {
    if (pending.isEmpty()) {
      return;
    }
    if (sink == null) {
      table = openTable();
      sink = new ParquetBatchSink(table, Map.of(), 0, System.nanoTime());
    }
    try (VectorSchemaRoot root = VectorSchemaRoot.create(ARROW_SCHEMA, allocator)) {
      root.allocateNew();
      VarCharVector loadIds = (VarCharVector) root.getVector("load_id");
      VarCharVector sources = (VarCharVector) root.getVector("source");
      VarCharVector positions = (VarCharVector) root.getVector("source_position");
      VarCharVector rules = (VarCharVector) root.getVector("rule");
      VarCharVector reasons = (VarCharVector) root.getVector("reason");
      VarCharVector rowJson = (VarCharVector) root.getVector("row_json");
      VarCharVector rawRecords = (VarCharVector) root.getVector("raw_record");
      TimeStampMicroTZVector rejectedAt = (TimeStampMicroTZVector) root.getVector("rejected_at");
      byte[] load = loadId.getBytes(StandardCharsets.UTF_8);
      byte[] from = source.getBytes(StandardCharsets.UTF_8);
      for (int row = 0; row < pending.size(); row++) {
        Violation violation = pending.get(row).violation();
        loadIds.setSafe(row, load);
        sources.setSafe(row, from);
        positions.setSafe(row, utf8(violation.position()));
        rules.setSafe(row, utf8(violation.rule()));
        reasons.setSafe(row, utf8(violation.reason()));
        if (violation.rowJson() != null) {
          rowJson.setSafe(row, utf8(violation.rowJson()));
        }
        if (violation.rawRecord() != null) {
          rawRecords.setSafe(row, utf8(violation.rawRecord()));
        }
        rejectedAt.setSafe(row, pending.get(row).rejectedAtMicros());
      }
      root.setRowCount(pending.size());
      sink.append(root);
    }
    pending.clear();
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Opens the table in a transaction that the commit publishes: a missing table is created there,
   * an existing one must have the quarantine columns (and gains {@code raw_record} when it lacks
   * it).
   */
  private Table openTable() {
    try {
      if (!catalog.tableExists(tableId)) {
        // A staged create needs its namespace (REST catalogs check it when staging).
        Tables.createNamespace(catalog, tableId.namespace());
        Map<String, String> properties = new HashMap<>(Tables.DEFAULT_PROPERTIES);
        isCreate = true;
        transaction =
            catalog
                .buildTable(tableId, SCHEMA)
                .withPartitionSpec(PartitionSpec.unpartitioned())
                .withProperties(properties)
                .createTransaction();
        return transaction.table();
      }
      Table existing = catalog.loadTable(tableId);
      transaction = existing.newTransaction();
      if (existing.schema().findField("raw_record") == null) {
        UpdateSchema update = transaction.updateSchema();
        update.addColumn("raw_record", Types.StringType.get());
        update.commit();
      }
    } catch (TidewaterException e) {
      throw e;
    } catch (RuntimeException e) {
      throw TidewaterException.external(
          e, "cannot open quarantine table %s in catalog %s: %s", tableId, catalog.name(), e);
    }
    Table opened = transaction.table();
    for (Types.NestedField column : SCHEMA.columns()) {
      Types.NestedField existing = opened.schema().findField(column.name());
      if (existing == null || !existing.type().equals(column.type())) {
        throw TidewaterException.user(
            "table %s cannot hold rejected rows: it needs column %s of type %s; the columns of a"
                + " quarantine table are %s",
            tableId,
            column.name(),
            column.type(),
            SCHEMA.columns().stream().map(c -> c.name() + " " + c.type()).toList());
      }
    }
    return opened;
  }
}
