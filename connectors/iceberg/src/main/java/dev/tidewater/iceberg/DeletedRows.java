package dev.tidewater.iceberg;

import org.apache.iceberg.deletes.PositionDeleteIndex;

/** The positions of one data file that its position deletes or deletion vector remove. */
final class DeletedRows {
  static final DeletedRows NONE = new DeletedRows(null);

  private final PositionDeleteIndex index;

  DeletedRows(PositionDeleteIndex index) {
    this.index = index == null || index.isEmpty() ? null : index;
  }

  /** Which of the {@code rows} positions from {@code first} on are deleted; null when none. */
  boolean[] mask(long first, int rows) {
    if (index == null) {
      return null;
    }
    boolean[] mask = null;
    for (int row = 0; row < rows; row++) {
      if (index.isDeleted(first + row)) {
        if (mask == null) {
          mask = new boolean[rows];
        }
        mask[row] = true;
      }
    }
    return mask;
  }

  /** How many positions are deleted. */
  long count() {
    return index == null ? 0 : index.cardinality();
  }

  boolean isDeleted(long position) {
    return index != null && index.isDeleted(position);
  }

  /** Whether every position of the range is deleted (a row group that need not be read). */
  boolean allDeleted(long first, long rows) {
    if (index == null || index.cardinality() < rows) {
      return false;
    }
    for (long position = first; position < first + rows; position++) {
      if (!index.isDeleted(position)) {
        return false;
      }
    }
    return true;
  }
}
