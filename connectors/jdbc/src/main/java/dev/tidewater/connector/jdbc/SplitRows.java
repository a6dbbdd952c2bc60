package dev.tidewater.connector.jdbc;

import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.TidewaterException;

/**
 * How the readers of a split (result set and binary COPY) name a row in their errors: the table,
 * the row counted from the split's start, and the split when the load has several.
 */
final class SplitRows {
  private SplitRows() {}

  /** {@code " (split n)"} when the load has several splits or a shared snapshot, else empty. */
  static String splitText(JdbcSplit split) {
    return split.number() > 1 || split.snapshot() != null ? " (split " + split.number() + ")" : "";
  }

  /**
   * {@code orders row 12 (split 2)}: the row {@code rowIndex} of the batch after {@code
   * rowsBefore}.
   */
  static String position(JdbcTable table, JdbcSplit split, long rowsBefore, int rowIndex) {
    return table.displayName() + " row " + (rowsBefore + rowIndex + 1) + splitText(split);
  }

  /** A value of {@code column} at {@code position} that its Arrow type cannot take. */
  static TidewaterException unconvertible(
      JdbcConnector connector, String position, JdbcColumn column, RuntimeException e) {
    return new TidewaterException(
        ErrorKind.USER,
        String.format(
            "source '%s': %s: column '%s' (%s) holds a value Tidewater cannot convert to %s: %s",
            connector.sourceName(),
            position,
            column.name(),
            column.databaseType(),
            column.field().getType(),
            e.getMessage()),
        e);
  }
}
