package dev.tidewater.planner.load;

import dev.tidewater.iceberg.BatchSink;
import dev.tidewater.iceberg.Branches;
import dev.tidewater.iceberg.MergeSink;
import dev.tidewater.iceberg.ParquetBatchSink;
import dev.tidewater.iceberg.Partitioning;
import dev.tidewater.iceberg.TableCommitter;
import dev.tidewater.iceberg.TableCommitters;
import dev.tidewater.iceberg.Tables;
import dev.tidewater.iceberg.WriteResult;
import dev.tidewater.parser.ast.SqlLoad;
import dev.tidewater.planner.Engine;
import dev.tidewater.planner.TableName;
import dev.tidewater.planner.contract.QuarantineWriter;
import dev.tidewater.planner.contract.ValidatedBatch;
import dev.tidewater.planner.contract.Violation;
import dev.tidewater.planner.expr.CompiledPredicate;
import dev.tidewater.planner.expr.PredicateResult;
import dev.tidewater.planner.metadata.ContractUse;
import dev.tidewater.planner.metadata.LoadRecord;
import dev.tidewater.planner.metadata.LoadRecord.LoadStatus;
import dev.tidewater.planner.result.Rows;
import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.ExtractRequest;
import dev.tidewater.spi.Split;
import dev.tidewater.spi.TidewaterException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link LoadPlan}. Reader threads take the splits and pass each batch through the stages —
 * cursor window, contract, normalize, (DEDUP BY spill), DELETE WHEN marking — into a bounded queue;
 * writer threads turn the batches into Parquet files; one Iceberg commit publishes them with the
 * new cursor. A failure before the commit deletes every file the load wrote, so nothing is
 * half-loaded; after an unknown commit state the files are kept.
 */
public final class LoadExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(LoadExecutor.class);
  private static final VectorSchemaRoot END_OF_DATA = new VectorSchemaRoot(List.of());
  private static final String DELETE_MARKER = "__tidewater_delete";
  private static final int MAX_ROW_TEXT = 500;

  /** What VALIDATE LOAD answers: a sample of violations, then the count of each rule. */
  public static final Schema VALIDATION_SCHEMA =
      new Schema(
          List.of(
              Rows.varchar("kind"),
              Rows.varchar("rule"),
              Rows.varchar("reason"),
              Rows.varchar("source_position"),
              Rows.varchar("row_json"),
              Rows.varchar("raw_record"),
              Rows.bigint("rows")));

  private final Engine engine;

  public LoadExecutor(Engine engine) {
    this.engine = engine;
  }

  public LoadOutcome execute(LoadPlan plan, BufferAllocator allocator, LoadListener listener) {
    Instant started = Instant.now();
    long startNanos = System.nanoTime();
    Counters counters = new Counters();
    if (plan.cursor() != null && plan.cursor().previous() != null) {
      counters.cursorBefore = plan.cursor().type().format(plan.cursor().previous());
    }
    counters.cursorAfter = counters.cursorBefore;
    engine.metadata().putLoad(record(plan, LoadStatus.RUNNING, counters, null, started, 0, null));
    if (plan.validation() != null) {
      engine
          .metadata()
          .putContractUse(
              new ContractUse(
                  plan.loadId(),
                  plan.validation().validator().contract().name(),
                  plan.validation().validator().contract().version()));
    }
    try {
      if (plan.skipReason() != null) {
        engine
            .metadata()
            .putLoad(
                record(plan, LoadStatus.SKIPPED, counters, null, started, 0, plan.skipReason()));
        return new LoadOutcome(plan.loadId(), LoadStatus.SKIPPED.name(), 0, 0, 0, null, 0);
      }
      return runAndRecord(plan, allocator, listener, counters, started, startNanos);
    } finally {
      if (!counters.rules.isEmpty()) {
        try {
          engine.metadata().putLoadErrors(plan.loadId(), new TreeMap<>(counters.rules));
        } catch (RuntimeException e) {
          LOG.warn("cannot record the rule counts of load {}: {}", plan.loadId(), e.toString());
        }
      }
    }
  }

  private LoadOutcome runAndRecord(
      LoadPlan plan,
      BufferAllocator allocator,
      LoadListener listener,
      Counters counters,
      Instant started,
      long startNanos) {
    long snapshotId;
    try {
      snapshotId = run(plan, allocator, listener, counters);
    } catch (RuntimeException | Error e) {
      if (counters.quarantine != null && !counters.quarantineCommitted) {
        try {
          counters.quarantine.abort();
        } catch (RuntimeException abortFailure) {
          e.addSuppressed(abortFailure);
        }
      }
      long millis = (System.nanoTime() - startNanos) / 1_000_000;
      LoadStatus status = counters.dataCommitUnknown ? LoadStatus.UNKNOWN : LoadStatus.FAILED;
      if (status == LoadStatus.FAILED) {
        counters.rowsWritten.set(0);
        counters.cursorAfter = counters.cursorBefore;
      }
      try {
        engine
            .metadata()
            .putLoad(record(plan, status, counters, null, started, millis, e.getMessage()));
      } catch (RuntimeException recordFailure) {
        e.addSuppressed(recordFailure);
      }
      throw e;
    }
    Failpoints.reach(Failpoints.AFTER_COMMIT);
    long millis = (System.nanoTime() - startNanos) / 1_000_000;
    try {
      engine
          .metadata()
          .putLoad(record(plan, LoadStatus.SUCCEEDED, counters, snapshotId, started, millis, null));
    } catch (RuntimeException e) {
      // The data is committed: the load succeeded whatever the history says. The record stays
      // RUNNING, and LoadHistory settles it from the table's snapshot once this process is gone.
      LOG.warn(
          "load {} committed snapshot {} but its history could not be recorded: {}",
          plan.loadId(),
          snapshotId,
          e.toString());
    }
    return new LoadOutcome(
        plan.loadId(),
        LoadStatus.SUCCEEDED.name(),
        counters.rowsRead.get(),
        counters.rowsWritten.get(),
        counters.rowsRejected.get(),
        snapshotId,
        millis / 1000.0);
  }

  private static LoadRecord record(
      LoadPlan plan,
      LoadStatus status,
      Counters counters,
      Long snapshotId,
      Instant started,
      long millis,
      String error) {
    return new LoadRecord(
            plan.loadId(),
            plan.sourceName(),
            plan.target().toString(),
            plan.disposition().name(),
            status,
            counters.rowsRead.get(),
            counters.rowsWritten.get(),
            counters.rowsRejected.get(),
            snapshotId,
            counters.cursorBefore,
            counters.cursorAfter,
            started,
            millis,
            error,
            LoadHistory.currentProcess(),
            plan.validation() == null
                ? null
                : plan.validation().validator().contract().name()
                    + " v"
                    + plan.validation().validator().contract().version())
        .withBranch(plan.branch());
  }

  private long run(
      LoadPlan plan, BufferAllocator allocator, LoadListener listener, Counters counters) {
    Catalog catalog = engine.catalogs().catalog(plan.target().catalog());
    Target target = openTarget(plan, catalog);
    Transaction transaction = target.transaction();
    // At a branch, what the load reads (the cursor, the rows a MERGE replaces) is the branch's.
    Table committed = Branches.view(target.existing(), plan.branch());
    Table table = Branches.view(transaction.table(), plan.branch());
    if (plan.cursor() != null) {
      counters.cursorFilter = cursorFilter(plan);
    }
    counters.request = plan.request();
    if (plan.validation() != null && plan.validation().onError() != SqlLoad.OnError.ABORT) {
      // Unreadable records count as violations of rule 'parse' instead of failing the load.
      counters.request =
          plan.request()
              .withRejections(
                  (position, reason, record) ->
                      unreadable(plan, counters, Violation.unreadable(position, reason, record)));
    }
    if (plan.validation() != null && plan.validation().quarantine() != null) {
      TableName quarantine = plan.validation().quarantine();
      counters.quarantine =
          new QuarantineWriter(
              engine.catalogs().catalog(quarantine.catalog()),
              quarantine.identifier(),
              plan.loadId(),
              plan.sourceName(),
              allocator);
    }
    listener.started(plan.loadId(), plan.splits().size(), plan.estimatedBytes());
    Long startingSnapshot =
        table.currentSnapshot() == null ? null : table.currentSnapshot().snapshotId();
    List<BatchSink> sinks = new ArrayList<>();
    if (plan.disposition() == LoadPlan.Disposition.MERGE) {
      sinks.add(
          new MergeSink(
              table,
              committed == null ? table : committed,
              plan.mergeKeys(),
              plan.mergeMode(),
              plan.writeOptions(),
              startingSnapshot,
              plan.deleteWhen() == null ? null : DELETE_MARKER));
    } else {
      for (int i = 0; i < plan.writers(); i++) {
        sinks.add(new ParquetBatchSink(table, plan.writeOptions(), i, System.nanoTime()));
      }
    }
    WriteResult written;
    try (DedupSpill dedup = dedupSpill(plan, allocator)) {
      written = write(plan, sinks, dedup, allocator, listener, counters);
    }
    try {
      listener.committing();
      Failpoints.reach(Failpoints.BEFORE_COMMIT);
      checkPercentLimit(plan.validation(), counters);
      Map<String, String> summary = summary(plan, counters);
      CursorCheck cursorCheck = null;
      if (plan.cursor() != null
          && plan.cursor().movement() == CursorWindow.Movement.MOVES
          && !target.creates()) {
        cursorCheck = new CursorCheck(plan.sourceName(), plan.cursor());
        // Checked once before the quarantine commits too: a load that cannot commit should not
        // leave rejected rows behind. The commit checks it again, atomically.
        if (!cursorCheck.validate(
            ancestors(
                Branches.view(catalog.loadTable(plan.target().identifier()), plan.branch())))) {
          throw cursorMoved(plan, counters, cursorCheck, null);
        }
      }
      TableCommitter committer =
          switch (plan.disposition()) {
            case APPEND -> TableCommitters.append();
            case REPLACE -> TableCommitters.replace();
            case MERGE -> ((MergeSink) sinks.get(0)).committer();
          };
      if (counters.quarantine != null) {
        // Iceberg has no cross-table commit: the rejected rows land first, under the same load id.
        counters.quarantine.commit();
        counters.quarantineCommitted = true;
      }
      try {
        return commitData(
            plan, catalog, target, committer, written, summary, cursorCheck, counters);
      } catch (RuntimeException | Error e) {
        if (!counters.dataCommitUnknown && counters.quarantineCommitted) {
          counters.quarantine.undo();
        }
        throw e;
      }
    } catch (RuntimeException | Error e) {
      if (!counters.dataCommitUnknown) {
        if (sinks.get(0) instanceof MergeSink merge) {
          // It keeps its keys, spill files and re-plan files until the commit ends; its abort
          // deletes every file it wrote.
          merge.abort();
        } else {
          deleteFiles(table, written);
        }
      }
      throw e;
    }
  }

  /** The target's commit, with its ways out of a lost race; notes an unknown outcome. */
  private static long commitData(
      LoadPlan plan,
      Catalog catalog,
      Target target,
      TableCommitter committer,
      WriteResult written,
      Map<String, String> summary,
      CursorCheck cursorCheck,
      Counters counters) {
    try {
      return cursorCheck == null
          ? committer.commit(target.transaction(), written, summary)
          : committer.commit(target.transaction(), written, summary, cursorCheck);
    } catch (RuntimeException e) {
      if (TableCommitters.commitStateUnknown(e)) {
        counters.dataCommitUnknown = true;
        throw e;
      }
      if (cursorCheck != null && cursorCheck.failed()) {
        throw cursorMoved(plan, counters, cursorCheck, e);
      }
      if (target.creates() && causedBy(e, AlreadyExistsException.class)) {
        try {
          return commitToTableCreatedMeanwhile(plan, catalog, written, summary, committer, e);
        } catch (RuntimeException late) {
          if (TableCommitters.commitStateUnknown(late)) {
            counters.dataCommitUnknown = true;
          }
          throw late;
        }
      }
      throw e;
    }
  }

  private static TidewaterException cursorMoved(
      LoadPlan plan, Counters counters, CursorCheck check, Throwable cause) {
    return new TidewaterException(
        ErrorKind.EXTERNAL,
        String.format(
            "another load of source '%s' into %s moved the cursor from %s to %s meanwhile;"
                + " nothing was committed, run the load again",
            plan.sourceName(), plan.target(), counters.cursorBefore, check.found()),
        cause);
  }

  private static Iterable<org.apache.iceberg.Snapshot> ancestors(Table table) {
    return table.currentSnapshot() == null
        ? List.of()
        : org.apache.iceberg.util.SnapshotUtil.ancestorsOf(
            table.currentSnapshot().snapshotId(), table::snapshot);
  }

  /** The table a load writes to, in the transaction its commit publishes. */
  private record Target(Transaction transaction, Table existing, boolean creates) {}

  /**
   * Opens the target: a transaction that creates the table with the load's first data, or one on
   * the existing table that first evolves its schema. A table planned as new that another load
   * created meanwhile is taken as it is when its schema is the one this load would have created.
   */
  private static Target openTarget(LoadPlan plan, Catalog catalog) {
    if (plan.createsTable()) {
      // A staged create needs its namespace (REST catalogs check it when staging).
      Tables.createNamespace(catalog, plan.target().namespace());
      try {
        return new Target(
            catalog
                .buildTable(plan.target().identifier(), plan.tableSchema())
                .withPartitionSpec(Partitioning.spec(plan.tableSchema(), plan.partitioning()))
                .withProperties(Tables.DEFAULT_PROPERTIES)
                .withProperty(
                    TableProperties.FORMAT_VERSION,
                    plan.writeOptions().getOrDefault(LoadPlanner.FORMAT_VERSION_OPTION, "2"))
                .createTransaction(),
            null,
            true);
      } catch (AlreadyExistsException e) {
        Table existing = catalog.loadTable(plan.target().identifier());
        if (!fits(plan, existing)) {
          throw new TidewaterException(
              ErrorKind.EXTERNAL,
              String.format(
                  "another load created table %s with another schema since this load was"
                      + " planned; nothing was written, run the load again",
                  plan.target()),
              e);
        }
        LOG.info("table {} was created by another load meanwhile; loading into it", plan.target());
        return new Target(existing.newTransaction(), existing, false);
      }
    }
    Table existing = catalog.loadTable(plan.target().identifier());
    if (plan.branch() != null) {
      // A branch starts at main's current snapshot; the commit goes to the branch (its summary
      // names it, see summary()).
      Branches.ensure(existing, plan.branch());
    }
    Transaction transaction = existing.newTransaction();
    if (!plan.evolution().isEmpty()) {
      // Planned against the schema of planning time; another load may have evolved it since.
      SchemaEvolution evolution = SchemaEvolution.plan(plan.sourceSchema(), existing.schema());
      if (!evolution.isEmpty()) {
        try {
          UpdateSchema update = transaction.updateSchema();
          evolution.applyTo(update);
          update.commit();
        } catch (IllegalArgumentException e) {
          throw new TidewaterException(
              ErrorKind.EXTERNAL,
              String.format(
                  "the schema of %s changed while this load was planned (%s); nothing was"
                      + " written, run the load again",
                  plan.target(), e.getMessage()),
              e);
        }
      }
    }
    return new Target(transaction, existing, false);
  }

  /** Whether files written for the table the plan would create fit {@code existing}. */
  private static boolean fits(LoadPlan plan, Table existing) {
    PartitionSpec ours = Partitioning.spec(plan.tableSchema(), plan.partitioning());
    return existing.schema().sameSchema(plan.tableSchema())
        && existing.spec().compatibleWith(ours)
        && existing.spec().specId() == ours.specId();
  }

  /**
   * Two first loads into one table race to create it; the second finds it created. Its files fit
   * the other table when both have the same schema (column ids included) and partitioning, which is
   * what two loads of the same source give: then an APPEND or a REPLACE commits to that table after
   * all. A MERGE cannot: it looked for its keys in an empty table.
   */
  private static long commitToTableCreatedMeanwhile(
      LoadPlan plan,
      Catalog catalog,
      WriteResult written,
      Map<String, String> summary,
      TableCommitter committer,
      RuntimeException conflict) {
    Table existing = catalog.loadTable(plan.target().identifier());
    if (plan.disposition() == LoadPlan.Disposition.MERGE || !fits(plan, existing)) {
      throw new TidewaterException(
          ErrorKind.EXTERNAL,
          String.format(
              "another load created table %s while this one was writing; nothing was committed,"
                  + " run the load again",
              plan.target()),
          conflict);
    }
    LOG.info("table {} was created by another load meanwhile; committing to it", plan.target());
    CursorCheck cursorCheck =
        plan.cursor() != null && plan.cursor().movement() == CursorWindow.Movement.MOVES
            ? new CursorCheck(plan.sourceName(), plan.cursor())
            : null;
    try {
      return cursorCheck == null
          ? committer.commit(existing.newTransaction(), written, summary)
          : committer.commit(existing.newTransaction(), written, summary, cursorCheck);
    } catch (RuntimeException e) {
      if (cursorCheck != null && cursorCheck.failed()) {
        throw new TidewaterException(
            ErrorKind.EXTERNAL,
            String.format(
                "another load of source '%s' created %s and moved the cursor to %s meanwhile;"
                    + " nothing was committed, run the load again",
                plan.sourceName(), plan.target(), cursorCheck.found()),
            e);
      }
      throw e;
    }
  }

  private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return true;
      }
    }
    return false;
  }

  private Map<String, String> summary(LoadPlan plan, Counters counters) {
    Map<String, String> summary = new LinkedHashMap<>();
    summary.put("tidewater.load-id", plan.loadId());
    if (plan.branch() != null) {
      summary.put(Branches.SUMMARY_KEY, plan.branch());
    }
    summary.put("tidewater.source", plan.sourceName());
    summary.put("tidewater.disposition", plan.disposition().name().toLowerCase(Locale.ROOT));
    summary.put("tidewater.rows-read", Long.toString(counters.rowsRead.get()));
    summary.put("tidewater.rows-written", Long.toString(counters.rowsWritten.get()));
    summary.put("tidewater.rows-rejected", Long.toString(counters.rowsRejected.get()));
    if (plan.validation() != null) {
      summary.put("tidewater.contract", plan.validation().validator().contract().name());
      summary.put(
          "tidewater.contract-version",
          Integer.toString(plan.validation().validator().contract().version()));
    }
    if (plan.cursor() != null) {
      CursorWindow window = plan.cursor();
      summary.put("tidewater.cursor-column", window.column());
      if (window.movement() == CursorWindow.Movement.MOVES) {
        Comparable<?> max = counters.cursorFilter.max();
        Comparable<?> after =
            max == null
                ? window.previous()
                : window.previous() == null || CursorType.compare(max, window.previous()) > 0
                    ? max
                    : window.previous();
        if (after != null) {
          counters.cursorAfter = window.type().format(after);
          summary.put(Cursors.summaryKey(plan.sourceName()), counters.cursorAfter);
        }
      } else {
        summary.put("tidewater.backfill-from", window.type().format(window.lower()));
        summary.put("tidewater.backfill-to", window.type().format(window.upper()));
      }
    }
    return summary;
  }

  /** The cursor stage: on the extracted batches when it can compare them, else normalized. */
  private static CursorFilter cursorFilter(LoadPlan plan) {
    if (!plan.cursorOnExtract()) {
      return new CursorFilter(plan.cursor(), plan.cursor().column(), plan.cursor().type());
    }
    String column = plan.normalizer().sourceColumn(plan.cursor().column());
    for (org.apache.arrow.vector.types.pojo.Field field : plan.extractSchema().getFields()) {
      if (field.getName().equals(column)) {
        return new CursorFilter(plan.cursor(), column, CursorType.of(field));
      }
    }
    throw TidewaterException.internal(null, "the cursor column %s is not extracted", column);
  }

  private static DedupSpill dedupSpill(LoadPlan plan, BufferAllocator allocator) {
    if (plan.dedupColumn() == null) {
      return null;
    }
    Path directory =
        Path.of(
            plan.writeOptions()
                .getOrDefault(
                    MergeSink.SPILL_DIRECTORY_OPTION, System.getProperty("java.io.tmpdir")));
    return new DedupSpill(
        directory,
        plan.loadId(),
        plan.normalizer().outputSchema(),
        plan.mergeKeys(),
        plan.dedupColumn(),
        plan.dedupDirection(),
        plan.estimatedBytes(),
        allocator);
  }

  private WriteResult write(
      LoadPlan plan,
      List<BatchSink> sinks,
      DedupSpill dedup,
      BufferAllocator allocator,
      LoadListener listener,
      Counters counters) {
    int writers = sinks.size();
    // A MERGE reads on one thread, so DEDUP BY sees the rows in source order.
    int readers =
        plan.disposition() == LoadPlan.Disposition.MERGE
            ? 1
            : Math.max(1, Math.min(plan.splits().size(), plan.writers()));
    BlockingQueue<VectorSchemaRoot> queue = new ArrayBlockingQueue<>(writers * 2);
    ExecutorService threads =
        Executors.newFixedThreadPool(
            readers + writers,
            runnable -> {
              Thread thread = new Thread(runnable, "load-" + plan.loadId().substring(0, 8));
              thread.setDaemon(true);
              return thread;
            });
    AtomicInteger nextSplit = new AtomicInteger();
    AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    List<Future<?>> readerFutures = new ArrayList<>();
    List<Future<WriteResult>> writerFutures = new ArrayList<>();
    try {
      for (BatchSink sink : sinks) {
        writerFutures.add(
            threads.submit(
                () -> failFast(firstFailure, threads, () -> drain(queue, sink, counters))));
      }
      for (int i = 0; i < readers; i++) {
        readerFutures.add(
            threads.submit(
                () ->
                    failFast(
                        firstFailure,
                        threads,
                        () -> {
                          extract(plan, dedup, nextSplit, queue, allocator, listener, counters);
                          return null;
                        })));
      }
      for (Future<?> future : readerFutures) {
        await(future);
      }
      // This thread is not in the pool that a failing writer stops: it must not wait on a full
      // queue that no writer drains any more.
      if (dedup != null) {
        dedup.drain(batch -> hand(queue, markDeletes(plan, batch, allocator), firstFailure));
      }
      for (int i = 0; i < writers; i++) {
        hand(queue, END_OF_DATA, firstFailure);
      }
      List<WriteResult> results = new ArrayList<>();
      for (Future<WriteResult> future : writerFutures) {
        results.add(await(future));
      }
      return WriteResult.merge(results);
    } catch (RuntimeException | Error thrown) {
      RuntimeException e =
          firstFailure.get() != null
              ? translate(firstFailure.get())
              : thrown instanceof RuntimeException runtime ? runtime : translate(thrown);
      writerFutures.forEach(future -> future.cancel(true));
      threads.shutdownNow();
      awaitQuietly(threads);
      closeQueued(queue);
      for (BatchSink sink : sinks) {
        try {
          sink.abort();
        } catch (RuntimeException abortFailure) {
          e.addSuppressed(abortFailure);
        }
      }
      throw e;
    } finally {
      threads.shutdownNow();
      closeQueued(queue);
    }
  }

  /** Runs a task; its failure stops every other task of the load at once. */
  private static <T> T failFast(
      AtomicReference<Throwable> firstFailure, ExecutorService threads, Callable<T> task)
      throws Exception {
    try {
      return task.call();
    } catch (Exception | Error e) {
      if (firstFailure.compareAndSet(null, e)) {
        threads.shutdownNow();
      }
      throw e;
    }
  }

  private void extract(
      LoadPlan plan,
      DedupSpill dedup,
      AtomicInteger nextSplit,
      BlockingQueue<VectorSchemaRoot> queue,
      BufferAllocator allocator,
      LoadListener listener,
      Counters counters) {
    Stages stages = new Stages(plan, counters, allocator, Stages.Mode.LOAD);
    for (int index = nextSplit.getAndIncrement();
        index < plan.splits().size();
        index = nextSplit.getAndIncrement()) {
      Split split = plan.splits().get(index);
      try (BatchReader reader = plan.connector().open(split, counters.request, allocator)) {
        long bytesBefore = 0;
        while (reader.next()) {
          int rows = reader.root().getRowCount();
          counters.rowsRead.addAndGet(rows);
          VectorSchemaRoot batch = stages.apply(reader);
          if (batch.getRowCount() == 0) {
            batch.close();
          } else if (dedup != null) {
            dedup.add(batch);
          } else {
            put(queue, markDeletes(plan, batch, allocator));
          }
          long bytes = reader.bytesRead();
          listener.progressed(bytes - bytesBefore, rows);
          bytesBefore = bytes;
        }
      }
    }
  }

  /**
   * The stages every extracted batch goes through before it is written: cursor window, contract,
   * normalize (and the cursor window after normalize when the cursor column cannot be compared as
   * extracted). Returns the batch to write (possibly empty), which the caller owns.
   */
  private static final class Stages {
    enum Mode {
      /** A LOAD: violations count, and are aborted on, skipped or quarantined. */
      LOAD,
      /** VALIDATE LOAD: violations are sampled and counted, never fatal. */
      VALIDATE
    }

    private final LoadPlan plan;
    private final Counters counters;
    private final BufferAllocator allocator;
    private final Mode mode;

    Stages(LoadPlan plan, Counters counters, BufferAllocator allocator, Mode mode) {
      this.plan = plan;
      this.counters = counters;
      this.allocator = allocator;
      this.mode = mode;
    }

    VectorSchemaRoot apply(BatchReader reader) {
      VectorSchemaRoot batch = Batches.transfer(reader.root(), allocator);
      IntFunction<String> positions = reader::position;
      CursorFilter cursor = counters.cursorFilter;
      if (cursor != null && plan.cursorOnExtract()) {
        CursorFilter.Selected selected = cursor.apply(batch, allocator, positions);
        batch = selected.batch();
        positions = selected.positions();
      }
      counters.rowsTaken.addAndGet(batch.getRowCount());
      if (plan.validation() != null) {
        batch = validate(batch, positions);
      }
      VectorSchemaRoot normalized;
      try (VectorSchemaRoot checked = batch) {
        normalized = plan.normalizer().apply(checked, allocator);
      }
      if (cursor != null && !plan.cursorOnExtract()) {
        // The contract may have dropped rows: positions are those of the batch's first rows.
        normalized =
            cursor.apply(normalized, allocator, row -> "a row near " + reader.position(0)).batch();
      }
      return normalized;
    }

    /** The contract stage: the accepted rows; violations are counted, quarantined or fatal. */
    private VectorSchemaRoot validate(VectorSchemaRoot owned, IntFunction<String> positions) {
      LoadPlan.Validation validation = plan.validation();
      ValidatedBatch validated = validation.validator().validate(owned, allocator, positions);
      List<Violation> violations = validated.violations();
      if (violations.isEmpty()) {
        return validated.accepted();
      }
      try {
        counters.rowsRejected.addAndGet(validated.rejectedCount());
        counters.countRules(violations);
        long errors = counters.errors.addAndGet(validated.errorCount());
        if (mode == Mode.VALIDATE) {
          counters.sample(violations);
          return validated.accepted();
        }
        if (validation.onError() == SqlLoad.OnError.ABORT && validated.errorCount() > 0) {
          Violation first =
              violations.stream()
                  .filter(each -> each.severity() == Violation.Severity.ERROR)
                  .findFirst()
                  .orElseThrow();
          throw TidewaterException.user(
              "%s: contract '%s' rule %s: %s; the row: %s (ON ERROR ABORT: nothing is committed)",
              first.position(),
              validation.validator().contract().name(),
              first.rule(),
              first.reason(),
              abbreviate(first.rowJson()));
        }
        if (validation.onError() == SqlLoad.OnError.QUARANTINE) {
          counters.quarantine.add(violations);
        }
        Violation last = violations.get(violations.size() - 1);
        checkRowLimit(validation, errors, last.position(), last.reason());
        return validated.accepted();
      } catch (RuntimeException e) {
        validated.accepted().close();
        throw e;
      }
    }
  }

  private static String abbreviate(String text) {
    if (text == null) {
      return "(no values)";
    }
    return text.length() <= MAX_ROW_TEXT ? text : text.substring(0, MAX_ROW_TEXT) + "...";
  }

  /**
   * VALIDATE LOAD: extracts and validates every row in the load's cursor window like the load
   * would, writes and commits nothing, and answers up to {@code maxViolations} violations plus a
   * count per rule (and the rows read and accepted).
   */
  public Rows validateOnly(LoadPlan plan, BufferAllocator allocator, int maxViolations) {
    Counters counters = new Counters();
    counters.maxSample = maxViolations;
    if (plan.skipReason() != null) {
      Rows rows = Rows.of(VALIDATION_SCHEMA);
      rows.add("skipped", null, plan.skipReason(), null, null, null, null);
      return rows;
    }
    if (plan.cursor() != null) {
      counters.cursorFilter = cursorFilter(plan);
    }
    ExtractRequest request =
        plan.request()
            .withRejections(
                (position, reason, record) -> {
                  Violation violation = Violation.unreadable(position, reason, record);
                  counters.unreadable(violation);
                  counters.sample(List.of(violation));
                });
    Stages stages = new Stages(plan, counters, allocator, Stages.Mode.VALIDATE);
    long accepted = 0;
    for (Split split : plan.splits()) {
      try (BatchReader reader = plan.connector().open(split, request, allocator)) {
        while (reader.next()) {
          counters.rowsRead.addAndGet(reader.root().getRowCount());
          try (VectorSchemaRoot batch = stages.apply(reader)) {
            accepted += batch.getRowCount();
          }
        }
      }
    }
    Rows rows = Rows.of(VALIDATION_SCHEMA);
    for (Violation violation : counters.sample) {
      rows.add(
          "violation",
          violation.rule(),
          violation.reason(),
          violation.position(),
          violation.rowJson(),
          violation.rawRecord(),
          null);
    }
    new TreeMap<>(counters.rules)
        .forEach((rule, count) -> rows.add("rule_count", rule, null, null, null, null, count));
    rows.add("rows_read", null, null, null, null, null, counters.rowsRead.get());
    rows.add("rows_accepted", null, null, null, null, null, accepted);
    return rows;
  }

  /** A record the reader could not read, under ON ERROR SKIP or QUARANTINE. */
  private static void unreadable(LoadPlan plan, Counters counters, Violation violation) {
    long errors = counters.unreadable(violation);
    if (counters.quarantine != null) {
      counters.quarantine.add(List.of(violation));
    }
    checkRowLimit(plan.validation(), errors, violation.position(), violation.reason());
  }

  /** ERROR LIMIT n: the load aborts as soon as more than n rows broke the contract. */
  private static void checkRowLimit(
      LoadPlan.Validation validation, long errors, String position, String reason) {
    if (validation.errorLimit() == null
        || validation.limitKind() != LoadPlan.ErrorLimitKind.ROWS
        || errors <= validation.errorLimit()) {
      return;
    }
    throw TidewaterException.user(
        "%d rows broke contract '%s', over the ERROR LIMIT of %s; nothing is committed"
            + " (last: %s: %s)",
        errors,
        validation.validator().contract().name(),
        formatLimit(validation.errorLimit()),
        position,
        reason);
  }

  /**
   * ERROR LIMIT n PERCENT: a share of all the rows the load took (those in its cursor window, and
   * the records it could not read), so it is checked once every row is read, before the commit.
   */
  private static void checkPercentLimit(LoadPlan.Validation validation, Counters counters) {
    if (validation == null
        || validation.errorLimit() == null
        || validation.limitKind() != LoadPlan.ErrorLimitKind.PERCENT) {
      return;
    }
    long errors = counters.errors.get();
    long read = counters.rowsTaken.get();
    if (errors == 0 || errors * 100.0 <= validation.errorLimit() * read) {
      return;
    }
    throw TidewaterException.user(
        "%d of %d rows (%.2f%%) broke contract '%s', over the ERROR LIMIT of %s PERCENT; nothing"
            + " is committed",
        errors,
        read,
        errors * 100.0 / read,
        validation.validator().contract().name(),
        formatLimit(validation.errorLimit()));
  }

  private static String formatLimit(double limit) {
    return limit == Math.rint(limit) ? Long.toString((long) limit) : Double.toString(limit);
  }

  private static WriteResult drain(
      BlockingQueue<VectorSchemaRoot> queue, BatchSink sink, Counters counters)
      throws InterruptedException {
    while (true) {
      VectorSchemaRoot batch = queue.take();
      if (batch == END_OF_DATA) {
        return sink.finish();
      }
      try (batch) {
        sink.append(batch);
        counters.rowsWritten.addAndGet(batch.getRowCount());
      }
    }
  }

  /**
   * Puts a batch on the queue from the coordinating thread, giving up (and closing the batch) as
   * soon as a reader or writer has failed.
   */
  private static void hand(
      BlockingQueue<VectorSchemaRoot> queue,
      VectorSchemaRoot batch,
      AtomicReference<Throwable> firstFailure) {
    try {
      while (!queue.offer(batch, 100, TimeUnit.MILLISECONDS)) {
        Throwable failure = firstFailure.get();
        if (failure != null) {
          if (batch != END_OF_DATA) {
            batch.close();
          }
          throw translate(failure);
        }
      }
    } catch (InterruptedException e) {
      if (batch != END_OF_DATA) {
        batch.close();
      }
      Thread.currentThread().interrupt();
      throw new TidewaterException(ErrorKind.USER, "the load was cancelled", e);
    }
  }

  private static void put(BlockingQueue<VectorSchemaRoot> queue, VectorSchemaRoot batch) {
    try {
      queue.put(batch);
    } catch (InterruptedException e) {
      batch.close();
      Thread.currentThread().interrupt();
      throw new TidewaterException(ErrorKind.USER, "the load was cancelled", e);
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TidewaterException(ErrorKind.USER, "the load was cancelled", e);
    } catch (ExecutionException e) {
      throw translate(e.getCause());
    }
  }

  private static RuntimeException translate(Throwable cause) {
    if (cause instanceof TidewaterException tidewater) {
      return tidewater;
    }
    if (cause instanceof OutOfMemoryError) {
      return TidewaterException.external(cause, "the load ran out of memory");
    }
    return TidewaterException.internal(cause, "the load failed: %s", cause);
  }

  private static void awaitQuietly(ExecutorService threads) {
    try {
      threads.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQueued(BlockingQueue<VectorSchemaRoot> queue) {
    VectorSchemaRoot batch;
    while ((batch = queue.poll()) != null) {
      if (batch != END_OF_DATA) {
        batch.close();
      }
    }
  }

  /**
   * Adds the DELETE WHEN marker when the load has one: true where the expression is TRUE (the
   * target row with that key is deleted and the row not inserted); FALSE and UNKNOWN rows are
   * upserted. Takes ownership of {@code batch}.
   */
  private static VectorSchemaRoot markDeletes(
      LoadPlan plan, VectorSchemaRoot batch, BufferAllocator allocator) {
    CompiledPredicate deleteWhen = plan.deleteWhen();
    if (deleteWhen == null) {
      return batch;
    }
    int rows = batch.getRowCount();
    PredicateResult result = new PredicateResult();
    try {
      deleteWhen.evaluate(batch, result);
    } catch (RuntimeException e) {
      batch.close();
      throw e;
    }
    BitVector marker = new BitVector(DELETE_MARKER, allocator);
    marker.allocateNew(rows);
    for (int row = 0; row < rows; row++) {
      marker.set(row, result.isTrue(row) ? 1 : 0);
    }
    marker.setValueCount(rows);
    List<FieldVector> vectors = new ArrayList<>(batch.getFieldVectors());
    vectors.add(marker);
    VectorSchemaRoot marked = new VectorSchemaRoot(vectors);
    marked.setRowCount(rows);
    return marked;
  }

  private static void deleteFiles(Table table, WriteResult written) {
    for (String location : written.writtenLocations()) {
      try {
        table.io().deleteFile(location);
      } catch (RuntimeException e) {
        LOG.warn("cannot delete {} of a failed load: {}", location, e.toString());
      }
    }
  }

  private static final class Counters {
    final AtomicLong rowsRead = new AtomicLong();
    final AtomicLong rowsWritten = new AtomicLong();
    final AtomicLong rowsRejected = new AtomicLong();

    /** Rows in the cursor window (all rows without one), and records the reader could not read. */
    final AtomicLong rowsTaken = new AtomicLong();

    final Map<String, Long> rules = new ConcurrentHashMap<>();
    final AtomicLong errors = new AtomicLong();
    final List<Violation> sample = new ArrayList<>();
    int maxSample;
    volatile CursorFilter cursorFilter;
    volatile QuarantineWriter quarantine;
    volatile boolean quarantineCommitted;

    /** The target's commit was attempted and its outcome is unknown. */
    volatile boolean dataCommitUnknown;

    volatile ExtractRequest request;
    volatile String cursorBefore;
    volatile String cursorAfter;

    /** Counts a record the reader could not read; returns the errors so far. */
    long unreadable(Violation violation) {
      rowsRead.incrementAndGet();
      rowsTaken.incrementAndGet();
      rowsRejected.incrementAndGet();
      countRules(List.of(violation));
      return errors.incrementAndGet();
    }

    /** Counts each rule a rejected row broke (a row breaking three rules counts for each). */
    void countRules(List<Violation> violations) {
      for (Violation violation : violations) {
        for (String rule : violation.rules()) {
          rules.merge(rule, 1L, Long::sum);
        }
      }
    }

    synchronized void sample(List<Violation> violations) {
      for (Violation violation : violations) {
        if (sample.size() >= maxSample) {
          return;
        }
        sample.add(violation);
      }
    }
  }
}
