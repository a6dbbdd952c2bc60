package dev.tidewater.spi;

/** A unit of extraction work that one reader handles, e.g. one file or one range of a table. */
public interface Split {
  /** A human-readable name of the split for plans, progress and error messages (e.g. a path). */
  String description();

  /** The estimated number of bytes to read, or -1 when unknown; used for progress. */
  long estimatedBytes();
}
