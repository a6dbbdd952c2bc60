package dev.tidewater.server.cli;

import dev.tidewater.spi.BatchReader;

/** Writes one statement's result rows to the command's output; returns how many rows there were. */
interface ResultWriter {
  long print(BatchReader reader);
}
