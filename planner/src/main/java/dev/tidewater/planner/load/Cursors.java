package dev.tidewater.planner.load;

import dev.tidewater.planner.Positions;
import java.util.Optional;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlIntervalLiteral;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlUnknownLiteral;
import org.apache.calcite.sql.parser.SqlParserUtil;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

/**
 * Incremental cursors live in Iceberg: the snapshot a load commits carries {@code
 * tidewater.cursor.<source>}. The last committed cursor of a source is the value in the newest
 * snapshot of the table's current lineage that has one, so it moves if and only if data commits,
 * and rolling the table back rolls the cursor back with it.
 */
public final class Cursors {
  private static final String PREFIX = "tidewater.cursor.";

  private Cursors() {}

  public static String summaryKey(String source) {
    return PREFIX + source;
  }

  /** The last committed cursor of {@code source} in {@code table}, as stored. */
  public static Optional<String> last(Table table, String source) {
    String key = summaryKey(source);
    Snapshot snapshot = table.currentSnapshot();
    while (snapshot != null) {
      String value = snapshot.summary().get(key);
      if (value != null) {
        return Optional.of(value);
      }
      Long parent = snapshot.parentId();
      snapshot = parent == null ? null : table.snapshot(parent);
    }
    return Optional.empty();
  }

  /** The text of a literal of INITIAL, BACKFILL FROM / TO. */
  static String literalText(SqlNode node) {
    if (node instanceof SqlCharStringLiteral text) {
      return text.getValueAs(String.class);
    }
    if (node instanceof SqlUnknownLiteral typed) {
      return typed.getValue();
    }
    if (node instanceof SqlNumericLiteral number) {
      return number.bigDecimalValue().toPlainString();
    }
    if (node instanceof SqlLiteral literal) {
      return literal.toValue();
    }
    throw Positions.userError(node, "a literal value is needed here, not %s", node);
  }

  /** A LAG in the cursor's units: microseconds, days, or the number itself. */
  static long lag(SqlNode node, CursorType type) {
    if (node instanceof SqlIntervalLiteral interval) {
      long millis =
          SqlParserUtil.intervalToMillis((SqlIntervalLiteral.IntervalValue) interval.getValue());
      return switch (type) {
        case TIMESTAMP, TIMESTAMP_WITH_ZONE -> millis * 1_000L;
        case DATE -> millis / 86_400_000L;
        default ->
            throw Positions.userError(node, "an interval LAG needs a date or timestamp cursor");
      };
    }
    if (node instanceof SqlNumericLiteral number) {
      return number.bigDecimalValue().longValueExact();
    }
    throw Positions.userError(node, "LAG takes an interval (INTERVAL '1' HOUR) or a number");
  }
}
