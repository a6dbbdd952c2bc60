package dev.tidewater.server.cli;

import java.io.PrintStream;

/**
 * How {@code tidewater run} writes results: {@code table} for people (banners, summaries and a
 * table per result, up to {@code --max-rows}), {@code csv} and {@code json} for programs (every
 * row, and nothing but rows on standard output; the rest goes to standard error).
 */
enum OutputFormat {
  TABLE,
  CSV,
  JSON;

  /** True when standard output carries only result rows. */
  boolean machineReadable() {
    return this != TABLE;
  }

  ResultWriter writer(PrintStream out, int maxRows) {
    return switch (this) {
      case TABLE -> new ResultPrinter(out, maxRows);
      case CSV -> new CsvResultWriter(out);
      case JSON -> new JsonResultWriter(out);
    };
  }
}
