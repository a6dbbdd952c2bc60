package dev.tidewater.server.cli;

import dev.tidewater.planner.load.LoadListener;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Draws a LOAD's progress on standard error: megabytes read (or rows, when the size is unknown),
 * the rows read so far, and {@code committing} at the commit. The same bar for a LOAD in process
 * and one on a server ({@link RemoteProgress}).
 */
final class LoadProgress implements LoadListener, AutoCloseable {
  private final String label;
  private final AtomicLong rows = new AtomicLong();
  private volatile ProgressBar bar;
  private volatile boolean bytes;
  private volatile boolean committing;

  LoadProgress(String label) {
    this.label = label;
  }

  @Override
  public synchronized void started(String loadId, int splits, long totalBytes) {
    bytes = totalBytes >= 0;
    ProgressBarBuilder builder =
        new ProgressBarBuilder()
            .setTaskName(label)
            .setStyle(ProgressBarStyle.ASCII)
            .setConsumer(new ConsoleProgressBarConsumer(System.err))
            .setUpdateIntervalMillis(200)
            .showSpeed();
    if (bytes) {
      builder.setInitialMax(Math.max(1, totalBytes)).setUnit(" MB", 1 << 20);
    } else {
      builder.setInitialMax(-1).setUnit(" rows", 1);
    }
    bar = builder.build();
  }

  @Override
  public void progressed(long bytesRead, long rowsRead) {
    long total = rows.addAndGet(rowsRead);
    ProgressBar current = bar;
    if (current != null) {
      current.stepBy(bytes ? bytesRead : rowsRead);
      if (bytes) {
        current.setExtraMessage(message(total));
      }
    }
  }

  @Override
  public void committing() {
    committing = true;
    ProgressBar current = bar;
    if (current != null) {
      current.setExtraMessage(message(rows.get()));
    }
  }

  /** The rows read (a bar in bytes does not show them otherwise) and the phase. */
  private String message(long total) {
    String read = bytes ? String.format(Locale.ROOT, " %,d rows", total) : "";
    return committing ? read + " committing" : read;
  }

  @Override
  public synchronized void close() {
    ProgressBar current = bar;
    if (current != null) {
      if (bytes) {
        current.stepTo(current.getMax());
      }
      // Closed when the LOAD's answer came: its commit is over.
      committing = false;
      current.setExtraMessage(message(rows.get()));
      current.close();
      bar = null;
    }
  }
}
