package dev.tidewater.planner.load;

/** Hears how a LOAD progresses, e.g. to draw a progress bar. Called from worker threads. */
public interface LoadListener {
  LoadListener NONE = new LoadListener() {};

  /** Extraction starts over {@code splits} splits of {@code totalBytes} bytes (-1 if unknown). */
  default void started(String loadId, int splits, long totalBytes) {}

  /** {@code bytes} more bytes and {@code rows} more rows were read. */
  default void progressed(long bytes, long rows) {}

  /** The data is written and the commit starts. */
  default void committing() {}
}
