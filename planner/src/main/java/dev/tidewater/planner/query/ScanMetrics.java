package dev.tidewater.planner.query;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.apache.iceberg.metrics.CounterResult;
import org.apache.iceberg.metrics.MetricsReport;
import org.apache.iceberg.metrics.MetricsReporter;
import org.apache.iceberg.metrics.ScanMetricsResult;
import org.apache.iceberg.metrics.ScanReport;

/**
 * The latest Iceberg scans that queries planned, as Iceberg reports them: which table and snapshot,
 * the filter pushed into the scan, and how many data files planning kept and skipped. For
 * diagnostics and tests; filters are Iceberg's sanitized form, without literal values.
 */
public final class ScanMetrics {
  /** How many scans are kept. */
  private static final int CAPACITY = 64;

  /** One planned scan. */
  public record Scan(
      String table,
      long snapshotId,
      String filter,
      List<String> columns,
      long dataFiles,
      long skippedDataFiles,
      long deleteFiles) {
    public Scan {
      requireNonNull(table, "table is null");
      requireNonNull(filter, "filter is null");
      columns = List.copyOf(columns);
    }
  }

  /** What one vectorized scan read: files, Parquet row groups read and skipped, bytes, rows. */
  public record Read(
      String table,
      long files,
      long rowGroupsRead,
      long rowGroupsSkipped,
      long bytesRead,
      long rowsRead,
      long rowsDeleted) {
    public Read {
      requireNonNull(table, "table is null");
    }
  }

  private final Deque<Scan> scans = new ArrayDeque<>();
  private final Deque<Read> reads = new ArrayDeque<>();

  /** The kept reads of vectorized scans, oldest first. */
  public synchronized List<Read> recentReads() {
    return List.copyOf(reads);
  }

  synchronized void record(Read read) {
    if (reads.size() == CAPACITY) {
      reads.removeFirst();
    }
    reads.addLast(read);
  }

  /** The kept scans, oldest first. */
  public synchronized List<Scan> recent() {
    return List.copyOf(scans);
  }

  /** The reporter to attach to the Iceberg tables that queries scan. */
  MetricsReporter reporter() {
    return this::report;
  }

  private void report(MetricsReport report) {
    if (!(report instanceof ScanReport scan)) {
      return;
    }
    ScanMetricsResult metrics = scan.scanMetrics();
    record(
        new Scan(
            scan.tableName(),
            scan.snapshotId(),
            String.valueOf(scan.filter()),
            scan.projectedFieldNames(),
            count(metrics.resultDataFiles()),
            count(metrics.skippedDataFiles()),
            count(metrics.resultDeleteFiles())));
  }

  private synchronized void record(Scan scan) {
    if (scans.size() == CAPACITY) {
      scans.removeFirst();
    }
    scans.addLast(scan);
  }

  private static long count(CounterResult counter) {
    return counter == null ? 0 : counter.value();
  }
}
