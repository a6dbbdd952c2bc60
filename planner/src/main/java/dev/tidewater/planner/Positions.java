package dev.tidewater.planner;

import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.SqlPosition;
import dev.tidewater.spi.TidewaterException;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParserPos;

/** Errors that point at a node of the statement. */
public final class Positions {
  private Positions() {}

  /** The position in the statement's text; null for a node no text spelled (line 0). */
  public static SqlPosition of(SqlParserPos pos) {
    if (pos.getLineNum() <= 0) {
      return null;
    }
    return new SqlPosition(pos.getLineNum(), pos.getColumnNum());
  }

  public static TidewaterException userError(SqlNode node, String format, Object... args) {
    return new TidewaterException(
        ErrorKind.USER, of(node.getParserPosition()), String.format(format, args), null);
  }
}
