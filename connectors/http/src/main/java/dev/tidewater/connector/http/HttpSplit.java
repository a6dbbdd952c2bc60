package dev.tidewater.connector.http;

import static java.util.Objects.requireNonNull;

import dev.tidewater.spi.Split;

/** The one split of an HTTP source: its pages, read in order. */
record HttpSplit(String description) implements Split {
  HttpSplit {
    requireNonNull(description, "description is null");
  }

  @Override
  public long estimatedBytes() {
    return -1;
  }
}
