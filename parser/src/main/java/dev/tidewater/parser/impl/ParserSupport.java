package dev.tidewater.parser.impl;

import java.util.regex.Pattern;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.parser.Span;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.validate.SqlValidatorException;

/** Checks the generated parser calls where the grammar alone cannot say it. */
final class ParserSupport {
  private static final Pattern WORD = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");

  private ParserSupport() {}

  /**
   * Rejects {@code OR REPLACE} where the statement has no such variant; Calcite's CREATE hook
   * parses it before it knows which object follows.
   */
  static void rejectOrReplace(boolean replace, Span span, String statement) {
    if (replace) {
      throw atPosition(span.pos(), "OR REPLACE is not allowed with " + statement);
    }
  }

  /**
   * Whether a token is an unquoted word, keyword or not. Option keys may be reserved words ({@code
   * user = 'etl'}), as connectors name their options freely.
   */
  static boolean isWord(Token token) {
    return WORD.matcher(token.image).matches();
  }

  /** An exception that the parser turns into a SqlParseException at {@code pos}. */
  private static CalciteContextException atPosition(SqlParserPos pos, String message) {
    return new CalciteContextException(
        message,
        new SqlValidatorException(message, null),
        pos.getLineNum(),
        pos.getColumnNum(),
        pos.getEndLineNum(),
        pos.getEndColumnNum());
  }
}
