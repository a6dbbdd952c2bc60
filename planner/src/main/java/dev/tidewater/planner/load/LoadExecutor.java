package dev.tidewater.planner.load;

import dev.tidewater.iceberg.BatchSink;
import dev.tidewater.iceberg.MergeSink;
import dev.tidewater.iceberg.MergeStats;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.catalog.Catalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link LoadPlan}: reader threads extract and normalize batches into a bounded queue,
 * writer threads turn them into Parquet files, and one Iceberg commit publishes them. A failure
 * before the commit deletes every file the load wrote, so nothing is half-loaded.
 */
public final class LoadExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(LoadExecutor.class);
  private static final VectorSchemaRoot END_OF_DATA = new VectorSchemaRoot(List.of());
  private static final String DELETE_MARKER = "__tidewater_delete";

  private final Engine engine;

  public LoadExecutor(Engine engine) {
    this.engine = engine;
  }

  public LoadOutcome execute(LoadPlan plan, BufferAllocator allocator, LoadListener listener) {
    Instant started = Instant.now();
    long startNanos = System.nanoTime();
    Counters counters = new Counters();
    engine.metadata().putLoad(record(plan, LoadStatus.RUNNING, counters, null, started, 0, null));
    try {
      return runAndRecord(plan, allocator, listener, counters, started, startNanos);
    } finally {
      if (!counters.rules.isEmpty()) {
        engine.metadata().putLoadErrors(plan.loadId(), counters.rules);
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
    try {
      Long snapshotId = run(plan, allocator, listener, counters);
      if (plan.validation() != null) {
        engine
            .metadata()
            .putContractUse(
                new ContractUse(
                    plan.loadId(),
                    plan.validation().validator().contract().name(),
                    plan.validation().validator().contract().version()));
      }
      long millis = (System.nanoTime() - startNanos) / 1_000_000;
      engine
          .metadata()
          .putLoad(record(plan, LoadStatus.SUCCEEDED, counters, snapshotId, started, millis, null));
      return new LoadOutcome(
          plan.loadId(),
          LoadStatus.SUCCEEDED.name(),
          counters.rowsRead.get(),
          counters.rowsWritten.get(),
          counters.rowsRejected.get(),
          snapshotId,
          millis / 1000.0);
    } catch (RuntimeException e) {
      if (counters.quarantine != null && !counters.quarantineCommitted) {
        try {
          counters.quarantine.abort();
        } catch (RuntimeException abortFailure) {
          e.addSuppressed(abortFailure);
        }
      }
      long millis = (System.nanoTime() - startNanos) / 1_000_000;
      counters.rowsWritten.set(0);
      counters.cursorAfter = counters.cursorBefore;
      engine
          .metadata()
          .putLoad(
              record(plan, LoadStatus.FAILED, counters, null, started, millis, e.getMessage()));
      throw e;
    }
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
        error);
  }

  private Long run(
      LoadPlan plan, BufferAllocator allocator, LoadListener listener, Counters counters) {
    Catalog catalog = engine.catalogs().catalog(plan.target().catalog());
    Transaction transaction;
    Table committed = null;
    if (plan.createsTable()) {
      Tables.createNamespace(catalog, plan.target().namespace());
      transaction =
          catalog
              .buildTable(plan.target().identifier(), plan.tableSchema())
              .withPartitionSpec(Partitioning.spec(plan.tableSchema(), plan.partitioning()))
              .withProperty(TableProperties.FORMAT_VERSION, "2")
              .withProperty(TableProperties.PARQUET_COMPRESSION, "zstd")
              .withProperty(TableProperties.COMMIT_NUM_RETRIES, "10")
              .createTransaction();
    } else {
      committed = catalog.loadTable(plan.target().identifier());
      transaction = committed.newTransaction();
      if (!plan.evolution().isEmpty()) {
        UpdateSchema update = transaction.updateSchema();
        plan.evolution().applyTo(update);
        update.commit();
      }
    }
    Table table = transaction.table();
    CursorFilter cursorFilter = plan.cursor() == null ? null : new CursorFilter(plan.cursor());
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
    Deduplicator dedup = null;
    if (plan.dedupColumn() != null) {
      dedup = new Deduplicator(plan.mergeKeys(), plan.dedupColumn(), plan.dedupDirection());
      observeAll(plan, counters.request, cursorFilter, dedup, allocator);
    }
    WriteResult written =
        write(plan, table, sinks, cursorFilter, dedup, allocator, listener, counters);
    listener.committing();
    Map<String, String> summary = new LinkedHashMap<>();
    summary.put("tidewater.load-id", plan.loadId());
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
      if (window.previous() != null) {
        counters.cursorBefore = window.type().format(window.previous());
      }
      if (window.movement() == CursorWindow.Movement.MOVES) {
        Comparable<?> max = cursorFilter.max();
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
        checkCursorUnmoved(catalog, plan);
      } else {
        counters.cursorAfter = counters.cursorBefore;
        summary.put("tidewater.backfill-from", window.type().format(window.lower()));
        summary.put("tidewater.backfill-to", window.type().format(window.upper()));
      }
    }
    TableCommitter committer =
        switch (plan.disposition()) {
          case APPEND -> TableCommitters.append();
          case REPLACE -> TableCommitters.replace();
          case MERGE -> ((MergeSink) sinks.get(0)).committer();
        };
    if (plan.disposition() == LoadPlan.Disposition.MERGE) {
      MergeStats stats = ((MergeSink) sinks.get(0)).stats();
      summary.put("tidewater.rows-inserted", Long.toString(stats.rowsInserted()));
      summary.put("tidewater.rows-updated", Long.toString(stats.rowsUpdated()));
      summary.put("tidewater.rows-deleted", Long.toString(stats.rowsDeleted()));
    }
    try {
      if (counters.quarantine != null) {
        // Iceberg has no cross-table commit: the rejected rows land first, under the same load id.
        counters.quarantine.commit();
        counters.quarantineCommitted = true;
      }
      return committer.commit(transaction, written, summary);
    } catch (RuntimeException e) {
      if (!TableCommitters.commitStateUnknown(e)) {
        deleteFiles(table, written);
      }
      throw e;
    }
  }

  /**
   * Two incremental loads of one source into one table must not both start from the same cursor:
   * the later one would load the same rows again. The commit re-reads the cursor just before it
   * publishes and fails if another load moved it meanwhile.
   */
  private static void checkCursorUnmoved(Catalog catalog, LoadPlan plan) {
    if (plan.createsTable()) {
      return;
    }
    CursorWindow window = plan.cursor();
    String now =
        Cursors.last(catalog.loadTable(plan.target().identifier()), plan.sourceName()).orElse(null);
    String planned = window.previous() == null ? null : window.type().format(window.previous());
    if (now != null && !now.equals(planned) || now == null && planned != null) {
      throw new TidewaterException(
          ErrorKind.EXTERNAL,
          String.format(
              "another load of source '%s' into %s moved the cursor from %s to %s meanwhile;"
                  + " nothing was committed, run the load again",
              plan.sourceName(), plan.target(), planned, now),
          null);
    }
  }

  private WriteResult write(
      LoadPlan plan,
      Table table,
      List<BatchSink> sinks,
      CursorFilter cursorFilter,
      Deduplicator dedup,
      BufferAllocator allocator,
      LoadListener listener,
      Counters counters) {
    int writers = plan.writers();
    int readers = Math.max(1, Math.min(plan.splits().size(), plan.writers()));
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
                          extract(
                              plan,
                              cursorFilter,
                              dedup,
                              nextSplit,
                              queue,
                              allocator,
                              listener,
                              counters);
                          return null;
                        })));
      }
      for (Future<?> future : readerFutures) {
        await(future);
      }
      for (int i = 0; i < writers; i++) {
        put(queue, END_OF_DATA);
      }
      List<WriteResult> results = new ArrayList<>();
      for (Future<WriteResult> future : writerFutures) {
        results.add(await(future));
      }
      return WriteResult.merge(results);
    } catch (RuntimeException thrown) {
      RuntimeException e = firstFailure.get() == null ? thrown : translate(firstFailure.get());
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

  /** What VALIDATE LOAD answers: a sample of violations, then the count of each rule. */
  public static final org.apache.arrow.vector.types.pojo.Schema VALIDATION_SCHEMA =
      new org.apache.arrow.vector.types.pojo.Schema(
          List.of(
              Rows.varchar("kind"),
              Rows.varchar("rule"),
              Rows.varchar("reason"),
              Rows.varchar("source_position"),
              Rows.varchar("row_json"),
              Rows.bigint("rows")));

  /**
   * VALIDATE LOAD: extracts and validates every row like the load would, writes and commits
   * nothing, and answers up to {@code maxViolations} violations plus a count per rule (and the rows
   * read and accepted).
   */
  public Rows validateOnly(LoadPlan plan, BufferAllocator allocator, int maxViolations) {
    List<Violation> sample = new ArrayList<>();
    Map<String, Long> counts = new java.util.TreeMap<>();
    long read = 0;
    long accepted = 0;
    long[] unreadable = {0};
    ExtractRequest request =
        plan.request()
            .withRejections(
                (position, reason, record) -> {
                  unreadable[0]++;
                  counts.merge(Violation.PARSE_RULE, 1L, Long::sum);
                  if (sample.size() < maxViolations) {
                    sample.add(Violation.unreadable(position, reason, record));
                  }
                });
    for (Split split : plan.splits()) {
      try (BatchReader reader = plan.connector().open(split, request, allocator)) {
        while (reader.next()) {
          read += reader.root().getRowCount();
          VectorSchemaRoot owned = Batches.transfer(reader.root(), allocator);
          VectorSchemaRoot valid = owned;
          if (plan.validation() != null) {
            ValidatedBatch validated =
                plan.validation().validator().validate(owned, allocator, reader::position);
            valid = validated.accepted();
            for (Violation violation : validated.violations()) {
              counts.merge(violation.rule(), 1L, Long::sum);
              if (sample.size() < maxViolations) {
                sample.add(violation);
              }
            }
          }
          try (VectorSchemaRoot checked = valid;
              VectorSchemaRoot normalized = plan.normalizer().apply(checked, allocator)) {
            accepted += normalized.getRowCount();
          }
        }
      }
    }
    Rows rows = Rows.of(VALIDATION_SCHEMA);
    for (Violation violation : sample) {
      rows.add(
          "violation",
          violation.rule(),
          violation.reason(),
          violation.position(),
          violation.rowJson(),
          null);
    }
    counts.forEach((rule, count) -> rows.add("rule_count", rule, null, null, null, count));
    rows.add("rows_read", null, null, null, null, read + unreadable[0]);
    rows.add("rows_accepted", null, null, null, null, accepted);
    return rows;
  }

  /** A record the reader could not read, under ON ERROR SKIP or QUARANTINE. */
  private static void unreadable(LoadPlan plan, Counters counters, Violation violation) {
    counters.rowsRead.incrementAndGet();
    counters.rowsRejected.incrementAndGet();
    long errors = counters.errors.incrementAndGet();
    counters.rules.merge(Violation.PARSE_RULE, 1L, Long::sum);
    if (counters.quarantine != null) {
      counters.quarantine.add(List.of(violation));
    }
    checkErrorLimit(
        plan.validation(), counters, errors, 0, violation.position(), violation.reason());
  }

  private static void checkErrorLimit(
      LoadPlan.Validation validation,
      Counters counters,
      long errors,
      int pendingRows,
      String position,
      String reason) {
    if (validation.errorLimit() == null) {
      return;
    }
    double read = counters.rowsRead.get() + pendingRows;
    double limit =
        validation.limitKind() == LoadPlan.ErrorLimitKind.PERCENT
            ? read * validation.errorLimit() / 100.0
            : validation.errorLimit();
    if (errors > limit) {
      throw TidewaterException.user(
          "%d rows broke contract '%s', over the ERROR LIMIT of %s%s; nothing is committed"
              + " (last: %s: %s)",
          errors,
          validation.validator().contract().name(),
          validation.errorLimit(),
          validation.limitKind() == LoadPlan.ErrorLimitKind.PERCENT ? " PERCENT" : "",
          position,
          reason);
    }
  }

  /** The contract stage: the accepted rows; violations are counted, quarantined or fatal. */
  private static VectorSchemaRoot validate(
      LoadPlan plan,
      VectorSchemaRoot owned,
      BatchReader reader,
      BufferAllocator allocator,
      Counters counters,
      int rows) {
    LoadPlan.Validation validation = plan.validation();
    ValidatedBatch validated = validation.validator().validate(owned, allocator, reader::position);
    List<Violation> violations = validated.violations();
    if (violations.isEmpty()) {
      return validated.accepted();
    }
    try {
      counters.rowsRejected.addAndGet(validated.rejectedCount());
      for (Violation violation : violations) {
        counters.rules.merge(violation.rule(), 1L, Long::sum);
      }
      long errors = counters.errors.addAndGet(validated.errorCount());
      if (validation.onError() == SqlLoad.OnError.ABORT && validated.errorCount() > 0) {
        Violation first =
            violations.stream()
                .filter(each -> each.severity() == Violation.Severity.ERROR)
                .findFirst()
                .orElseThrow();
        throw TidewaterException.user(
            "%s: contract '%s' rule %s: %s (ON ERROR ABORT: nothing is committed)",
            first.position(),
            validation.validator().contract().name(),
            first.rule(),
            first.reason());
      }
      if (validation.onError() == SqlLoad.OnError.QUARANTINE) {
        counters.quarantine.add(violations);
      }
      Violation last = violations.get(violations.size() - 1);
      checkErrorLimit(validation, counters, errors, rows, last.position(), last.reason());
      return validated.accepted();
    } catch (RuntimeException e) {
      validated.accepted().close();
      throw e;
    }
  }

  /** DEDUP BY's first pass: every row in the window, once, to find each key's winner. */
  private static void observeAll(
      LoadPlan plan,
      ExtractRequest request,
      CursorFilter cursorFilter,
      Deduplicator dedup,
      BufferAllocator allocator) {
    for (int index = 0; index < plan.splits().size(); index++) {
      try (BatchReader reader =
          plan.connector().open(plan.splits().get(index), request, allocator)) {
        long ordinal = 0;
        while (reader.next()) {
          VectorSchemaRoot normalized = plan.normalizer().apply(reader.root(), allocator);
          try (VectorSchemaRoot batch =
              cursorFilter == null
                  ? normalized
                  : cursorFilter.apply(normalized, allocator, reader::position)) {
            dedup.observe(batch, index, ordinal);
            ordinal += batch.getRowCount();
          }
        }
      }
    }
  }

  private void extract(
      LoadPlan plan,
      CursorFilter cursorFilter,
      Deduplicator dedup,
      AtomicInteger nextSplit,
      BlockingQueue<VectorSchemaRoot> queue,
      BufferAllocator allocator,
      LoadListener listener,
      Counters counters) {
    for (int index = nextSplit.getAndIncrement();
        index < plan.splits().size();
        index = nextSplit.getAndIncrement()) {
      Split split = plan.splits().get(index);
      try (BatchReader reader = plan.connector().open(split, counters.request, allocator)) {
        long bytesBefore = 0;
        long ordinal = 0;
        while (reader.next()) {
          int rows = reader.root().getRowCount();
          VectorSchemaRoot batch;
          if (plan.validation() == null) {
            batch = plan.normalizer().apply(reader.root(), allocator);
          } else {
            try (VectorSchemaRoot accepted =
                validate(
                    plan,
                    Batches.transfer(reader.root(), allocator),
                    reader,
                    allocator,
                    counters,
                    rows)) {
              batch = plan.normalizer().apply(accepted, allocator);
            }
          }
          if (cursorFilter != null) {
            batch = cursorFilter.apply(batch, allocator, reader::position);
          }
          if (dedup != null) {
            int inWindow = batch.getRowCount();
            batch = dedup.keepWinners(batch, index, ordinal, allocator);
            ordinal += inWindow;
          }
          if (plan.deleteWhen() != null && batch.getRowCount() > 0) {
            batch = markDeletes(plan.deleteWhen(), batch, allocator);
          }
          counters.rowsRead.addAndGet(rows);
          if (batch.getRowCount() == 0) {
            batch.close();
          } else {
            put(queue, batch);
          }
          long bytes = reader.bytesRead();
          listener.progressed(bytes - bytesBefore, rows);
          bytesBefore = bytes;
        }
      }
    }
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
      threads.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
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
   * Adds the DELETE WHEN marker: true where the expression is TRUE (the target row with that key is
   * deleted and the row not inserted); FALSE and UNKNOWN rows are upserted.
   */
  private static VectorSchemaRoot markDeletes(
      CompiledPredicate deleteWhen, VectorSchemaRoot batch, BufferAllocator allocator) {
    int rows = batch.getRowCount();
    PredicateResult result = new PredicateResult();
    deleteWhen.evaluate(batch, result);
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
    final Map<String, Long> rules = new java.util.concurrent.ConcurrentHashMap<>();
    final AtomicLong errors = new AtomicLong();
    volatile QuarantineWriter quarantine;
    volatile boolean quarantineCommitted;
    volatile ExtractRequest request;
    volatile String cursorBefore;
    volatile String cursorAfter;
  }
}
