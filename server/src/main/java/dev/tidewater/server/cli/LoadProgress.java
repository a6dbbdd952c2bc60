package dev.tidewater.server.cli;

import dev.tidewater.planner.load.LoadListener;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Draws a LOAD's progress on the terminal, in megabytes read (or rows, when size is unknown). */
final class LoadProgress implements LoadListener, AutoCloseable {
  private final String label;
  private ProgressBar bar;
  private boolean bytes;

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
  public void progressed(long bytesRead, long rows) {
    ProgressBar current = bar;
    if (current != null) {
      current.stepBy(bytes ? bytesRead : rows);
    }
  }

  @Override
  public void committing() {
    ProgressBar current = bar;
    if (current != null) {
      current.setExtraMessage(" committing");
    }
  }

  @Override
  public synchronized void close() {
    if (bar != null) {
      if (bytes) {
        bar.stepTo(bar.getMax());
      }
      bar.close();
      bar = null;
    }
  }
}
