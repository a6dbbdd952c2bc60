package dev.tidewater.planner.load;

import dev.tidewater.iceberg.BatchSink;
import dev.tidewater.iceberg.Branches;
import dev.tidewater.iceberg.MergeSink;
import dev.tidewater.iceberg.TableCommitter;
import dev.tidewater.iceberg.TableCommitters;
import dev.tidewater.iceberg.WriteResult;
import dev.tidewater.parser.ast.SqlLoad;
import dev.tidewater.planner.Engine;
import dev.tidewater.planner.TableName;
import dev.tidewater.planner.contract.QuarantineWriter;
import dev.tidewater.planner.contract.Violation;
import dev.tidewater.planner.metadata.ContractUse;
import dev.tidewater.planner.metadata.LoadRecord;
import dev.tidewater.planner.metadata.LoadRecord.LoadStatus;
import dev.tidewater.planner.result.Rows;
import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.Cancellation;
import dev.tidewater.spi.ExtractRequest;
import dev.tidewater.spi.Split;
import dev.tidewater.spi.StatementCancelledException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.catalog.Catalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link LoadPlan} by walking its operator tree, one class a stage: {@link ExtractStage}
 * readers pass each batch through the {@link RowStages} (cursor window, {@link ValidateStage},
 * normalize) into the {@link WriteStage} (DEDUP BY spill, DELETE WHEN marking, Parquet sinks);
 * {@link CommitStage} publishes the files in one Iceberg snapshot with the new cursor. A failure
 * before the commit deletes every file the load wrote, so nothing is half-loaded; after an unknown
 * commit state the files are kept.
 */
public final class LoadExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(LoadExecutor.class);

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
    return execute(plan, allocator, listener, new Cancellation());
  }

  /**
   * Runs the load. When {@code cancellation} is cancelled before the commit starts, the load stops
   * at the next batch, deletes what it wrote, commits nothing, records {@code CANCELLED} and throws
   * the {@link dev.tidewater.spi.StatementCancelledException}.
   */
  public LoadOutcome execute(
      LoadPlan plan, BufferAllocator allocator, LoadListener listener, Cancellation cancellation) {
    return execute(plan, allocator, listener, cancellation, RunningLoads.Statement.UNKNOWN);
  }

  /**
   * Runs the load as {@link #execute(LoadPlan, BufferAllocator, LoadListener, Cancellation)} does;
   * while it runs, {@code system.running_loads} shows it with {@code statement}'s text and user.
   */
  public LoadOutcome execute(
      LoadPlan plan,
      BufferAllocator allocator,
      LoadListener listener,
      Cancellation cancellation,
      RunningLoads.Statement statement) {
    Instant started = Instant.now();
    long startNanos = System.nanoTime();
    LoadCounters counters = new LoadCounters();
    counters.cancellation = cancellation;
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
    RunningLoads.Entry running = engine.runningLoads().start(plan, statement, counters, started);
    try {
      if (plan.skipReason() != null) {
        engine
            .metadata()
            .putLoad(
                record(plan, LoadStatus.SKIPPED, counters, null, started, 0, plan.skipReason()));
        return new LoadOutcome(plan.loadId(), LoadStatus.SKIPPED.name(), 0, 0, 0, null, 0);
      }
      return runAndRecord(
          plan, allocator, running.listener(listener), counters, started, startNanos);
    } finally {
      running.close();
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
      LoadCounters counters,
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
      Throwable failure = e;
      LoadStatus status = counters.dataCommitUnknown ? LoadStatus.UNKNOWN : LoadStatus.FAILED;
      StatementCancelledException cancelled = counters.cancellation.error();
      if (status == LoadStatus.FAILED && cancelled != null) {
        // An interrupted reader or writer may have failed first: the cancel is the real cause.
        status = LoadStatus.CANCELLED;
        if (e != cancelled && !(e instanceof StatementCancelledException)) {
          cancelled.addSuppressed(e);
          failure = cancelled;
        }
      }
      if (status != LoadStatus.UNKNOWN) {
        counters.rowsWritten.set(0);
        counters.cursorAfter = counters.cursorBefore;
      }
      try {
        engine
            .metadata()
            .putLoad(record(plan, status, counters, null, started, millis, failure.getMessage()));
      } catch (RuntimeException recordFailure) {
        failure.addSuppressed(recordFailure);
      }
      if (failure instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw (Error) failure;
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
      LoadCounters counters,
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
      LoadPlan plan, BufferAllocator allocator, LoadListener listener, LoadCounters counters) {
    Catalog catalog = engine.catalogs().catalog(plan.target().catalog());
    CommitStage.Target target = CommitStage.openTarget(plan, catalog);
    Transaction transaction = target.transaction();
    // At a branch, what the load reads (the cursor, the rows a MERGE replaces) is the branch's.
    Table committed = Branches.view(target.existing(), plan.branch());
    Table table = Branches.view(transaction.table(), plan.branch());
    if (plan.cursor() != null) {
      counters.cursorFilter = RowStages.cursorFilter(plan);
    }
    counters.request = plan.extract().request();
    if (plan.validation() != null && plan.validation().onError() != SqlLoad.OnError.ABORT) {
      // Unreadable records count as violations of rule 'parse' instead of failing the load.
      counters.request =
          plan.extract()
              .request()
              .withRejections(
                  (position, reason, record) ->
                      ValidateStage.unreadable(
                          plan, counters, Violation.unreadable(position, reason, record)));
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
    listener.started(plan.loadId(), plan.extract().splits().size(), plan.estimatedBytes());
    List<BatchSink> sinks = WriteStage.sinks(plan, table, committed);
    WriteResult written;
    try (DedupSpill dedup = WriteStage.dedupSpill(plan, allocator)) {
      written = WriteStage.run(plan, sinks, dedup, allocator, listener, counters);
    }
    try {
      // From here on the load runs to its end: a commit is never cut in half by a cancel.
      counters.cancellation.enterCommit();
      listener.committing();
      Failpoints.reach(Failpoints.BEFORE_COMMIT);
      ValidateStage.checkPercentLimit(plan.validation(), counters);
      Map<String, String> summary = CommitStage.summary(plan, counters);
      CursorCheck cursorCheck = null;
      if (plan.cursor() != null
          && plan.cursor().movement() == CursorWindow.Movement.MOVES
          && !target.creates()) {
        cursorCheck = new CursorCheck(plan.sourceName(), plan.cursor());
        // Checked once before the quarantine commits too: a load that cannot commit should not
        // leave rejected rows behind. The commit checks it again, atomically.
        if (!cursorCheck.validate(
            CommitStage.ancestors(
                Branches.view(catalog.loadTable(plan.target().identifier()), plan.branch())))) {
          throw CommitStage.cursorMoved(plan, counters, cursorCheck, null);
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
        return CommitStage.commitData(
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
          WriteStage.deleteFiles(table, written);
        }
      }
      throw e;
    }
  }

  /**
   * VALIDATE LOAD: extracts and validates every row in the load's cursor window like the load
   * would, writes and commits nothing, and answers up to {@code maxViolations} violations plus a
   * count per rule (and the rows read and accepted). A cancel or the statement_timeout stops it at
   * its next batch.
   */
  public Rows validateOnly(
      LoadPlan plan, BufferAllocator allocator, int maxViolations, Cancellation cancellation) {
    LoadCounters counters = new LoadCounters();
    counters.maxSample = maxViolations;
    if (plan.skipReason() != null) {
      Rows rows = Rows.of(VALIDATION_SCHEMA);
      rows.add("skipped", null, plan.skipReason(), null, null, null, null);
      return rows;
    }
    if (plan.cursor() != null) {
      counters.cursorFilter = RowStages.cursorFilter(plan);
    }
    ExtractRequest request =
        plan.extract()
            .request()
            .withRejections(
                (position, reason, record) -> {
                  Violation violation = Violation.unreadable(position, reason, record);
                  counters.unreadable(violation);
                  counters.sample(List.of(violation));
                });
    RowStages stages = new RowStages(plan, counters, allocator, RowStages.Mode.VALIDATE);
    long accepted = 0;
    for (Split split : plan.extract().splits()) {
      try (BatchReader reader = plan.extract().connector().open(split, request, allocator)) {
        while (reader.next()) {
          cancellation.check();
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
}
