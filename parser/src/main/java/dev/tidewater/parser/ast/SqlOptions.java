package dev.tidewater.parser.ast;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.parser.SqlParserPos;

/** Turns a parsed {@code WITH (...)} list into plain key / value strings. */
public final class SqlOptions {
  private SqlOptions() {}

  /**
   * The options in the order written, keys lower-cased; a null list gives an empty map.
   *
   * @throws IllegalArgumentException if a key occurs twice (keys are case-insensitive)
   */
  public static Map<String, String> toMap(SqlNodeList options) {
    Map<String, String> map = new LinkedHashMap<>();
    if (options == null) {
      return map;
    }
    for (SqlNode node : options) {
      SqlOption option = (SqlOption) node;
      String key = option.keyName();
      if (map.putIfAbsent(key, option.valueText()) != null) {
        SqlParserPos pos = option.getParserPosition();
        throw new IllegalArgumentException(
            String.format(
                "Duplicate option '%s' at line %d, column %d",
                key, pos.getLineNum(), pos.getColumnNum()));
      }
    }
    return map;
  }
}
