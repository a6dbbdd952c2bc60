package dev.tidewater.planner.load;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The loads (and bulk ingests) this process runs now, with their progress so far: what {@code
 * system.running_loads} shows, so that a client on another connection (e.g. {@code tidewater run
 * --connect}) can draw the same progress bar as an in-process run. A load joins when it starts and
 * leaves when it ends, however it ends. Thread-safe.
 */
public final class RunningLoads {
  /** Where a running load is. */
  public enum Phase {
    /** Reading, validating and writing batches. */
    EXTRACTING,
    /** Every file is written; the Iceberg commit runs. */
    COMMITTING
  }

  /** One running load's progress as of now. */
  public record Progress(
      String loadId,
      String statement,
      String user,
      String source,
      String target,
      Phase phase,
      long rowsRead,
      long rowsWritten,
      long rowsRejected,
      long bytesRead,
      long bytesTotal,
      int splits,
      long splitsDone,
      Instant startedAt) {
    public Progress {
      requireNonNull(loadId, "loadId is null");
      requireNonNull(phase, "phase is null");
      requireNonNull(startedAt, "startedAt is null");
    }

    /** Seconds since the load started. */
    public double seconds(Instant now) {
      return Math.max(0, now.toEpochMilli() - startedAt.toEpochMilli()) / 1000.0;
    }

    /** Rows read per second since the start; 0 in its first millisecond. */
    public double rowsPerSecond(Instant now) {
      double seconds = seconds(now);
      return seconds <= 0 ? 0 : rowsRead / seconds;
    }
  }

  private final Map<String, Entry> running = new ConcurrentHashMap<>();

  /** The running loads, oldest first. */
  public List<Progress> snapshot() {
    List<Progress> result = new ArrayList<>();
    for (Entry entry : running.values()) {
      result.add(entry.progress());
    }
    result.sort(Comparator.comparing(Progress::startedAt).thenComparing(Progress::loadId));
    return List.copyOf(result);
  }

  /** Registers a load that starts; closing the entry removes it. */
  Entry start(LoadPlan plan, Statement statement, LoadCounters counters, Instant startedAt) {
    Entry entry = new Entry(plan, statement, counters, startedAt);
    running.put(plan.loadId(), entry);
    return entry;
  }

  /**
   * Who runs a load and its text (secrets masked): for the view, and for a client to find its own
   * load.
   */
  public record Statement(String text, String user) {
    public static final Statement UNKNOWN = new Statement(null, null);
  }

  /** One running load; hears its start and its commit through {@link #listener}. */
  final class Entry implements AutoCloseable {
    private final LoadPlan plan;
    private final Statement statement;
    private final LoadCounters counters;
    private final Instant startedAt;
    private volatile Phase phase = Phase.EXTRACTING;
    private volatile int splits;
    private volatile long bytesTotal = -1;

    private Entry(LoadPlan plan, Statement statement, LoadCounters counters, Instant startedAt) {
      this.plan = plan;
      this.statement = statement;
      this.counters = counters;
      this.startedAt = startedAt;
    }

    /** {@code listener}, and this entry's own record of the load's start and commit. */
    LoadListener listener(LoadListener listener) {
      return new LoadListener() {
        @Override
        public void started(String loadId, int splitCount, long totalBytes) {
          splits = splitCount;
          bytesTotal = totalBytes;
          listener.started(loadId, splitCount, totalBytes);
        }

        @Override
        public void progressed(long bytes, long rows) {
          listener.progressed(bytes, rows);
        }

        @Override
        public void committing() {
          phase = Phase.COMMITTING;
          listener.committing();
        }
      };
    }

    Progress progress() {
      return new Progress(
          plan.loadId(),
          statement.text(),
          statement.user(),
          plan.sourceName(),
          plan.target().toString(),
          phase,
          counters.rowsRead.get(),
          counters.rowsWritten.get(),
          counters.rowsRejected.get(),
          counters.bytesRead.get(),
          bytesTotal,
          splits,
          counters.splitsDone.get(),
          startedAt);
    }

    @Override
    public void close() {
      running.remove(plan.loadId(), this);
    }
  }
}
