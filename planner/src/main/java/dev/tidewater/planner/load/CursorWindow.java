package dev.tidewater.planner.load;

import static java.util.Objects.requireNonNull;

/**
 * Which cursor values a load takes: {@code lower} (exclusive or inclusive) up to {@code upper}
 * (exclusive), either bound absent. An incremental load moves the cursor to the largest value it
 * wrote; a backfill leaves it where it is.
 */
public record CursorWindow(
    String column,
    CursorType type,
    Comparable<?> lower,
    boolean lowerInclusive,
    Comparable<?> upper,
    Comparable<?> previous,
    Movement movement) {
  public CursorWindow {
    requireNonNull(column, "column is null");
    requireNonNull(type, "type is null");
    requireNonNull(movement, "movement is null");
  }

  /** Whether the load moves the stored cursor. */
  public enum Movement {
    MOVES,
    STAYS
  }

  /** Whether a value is inside the window. */
  public boolean contains(Comparable<?> value) {
    if (lower != null) {
      int compared = CursorType.compare(value, lower);
      if (compared < 0 || (compared == 0 && !lowerInclusive)) {
        return false;
      }
    }
    return upper == null || CursorType.compare(value, upper) < 0;
  }

  /** The window as EXPLAIN prints it. */
  public String describe() {
    StringBuilder text = new StringBuilder(column);
    if (lower == null && upper == null) {
      text.append(": every row (no cursor committed yet)");
    } else {
      text.append(" in ");
      text.append(lower == null ? "(-inf" : (lowerInclusive ? "[" : "(") + type.format(lower));
      text.append(", ");
      text.append(upper == null ? "+inf)" : type.format(upper) + ")");
    }
    text.append(
        movement == Movement.MOVES
            ? "; the new cursor is the largest value written"
            : "; the stored cursor does not move (backfill)");
    if (previous != null) {
      text.append("; last committed cursor ").append(type.format(previous));
    }
    return text.toString();
  }
}
