package dev.tidewater.planner.load;

import java.util.Optional;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotAncestryValidator;

/**
 * The compare-and-set of an incremental cursor: the commit of a load that moves the cursor checks,
 * each time Iceberg applies it (on every retry after a conflict too), that the table's history
 * still holds the cursor the load started from. Two loads of one source into one table that start
 * from the same cursor therefore cannot both commit: the second fails and commits nothing, instead
 * of loading the same rows again.
 */
final class CursorCheck implements SnapshotAncestryValidator {
  private final String key;
  private final CursorWindow window;
  private volatile boolean failed;
  private volatile String found;

  CursorCheck(String source, CursorWindow window) {
    this.key = Cursors.summaryKey(source);
    this.window = window;
  }

  @Override
  public boolean validate(Iterable<Snapshot> ancestors) {
    Optional<String> current = Optional.empty();
    for (Snapshot snapshot : ancestors) {
      String value = snapshot.summary().get(key);
      if (value != null) {
        current = Optional.of(value);
        break;
      }
    }
    found = current.orElse(null);
    boolean unmoved =
        current.isEmpty()
            ? window.previous() == null
            : window.previous() != null
                && CursorType.compare(window.type().parse(current.get()), window.previous()) == 0;
    failed = !unmoved;
    return unmoved;
  }

  @Override
  public String errorMessage() {
    return "the cursor " + key + " moved to " + found + " since the load started";
  }

  /** Whether the last check found the cursor moved. */
  boolean failed() {
    return failed;
  }

  /** The cursor the last check found, or null. */
  String found() {
    return found;
  }
}
