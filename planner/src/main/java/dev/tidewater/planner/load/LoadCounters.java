package dev.tidewater.planner.load;

import dev.tidewater.planner.contract.QuarantineWriter;
import dev.tidewater.planner.contract.Violation;
import dev.tidewater.spi.Cancellation;
import dev.tidewater.spi.ExtractRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** What one load counted so far, shared by its reader, writer and committing threads. */
final class LoadCounters {
  final AtomicLong rowsRead = new AtomicLong();
  final AtomicLong rowsWritten = new AtomicLong();
  final AtomicLong rowsRejected = new AtomicLong();

  /** Source bytes read, and splits (files, pages, ranges) read to their end. */
  final AtomicLong bytesRead = new AtomicLong();

  final AtomicLong splitsDone = new AtomicLong();

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

  /** The statement's cancel flag, checked between batches. */
  volatile Cancellation cancellation = new Cancellation();

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
