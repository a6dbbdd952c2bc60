package dev.tidewater.planner.contract;

import dev.tidewater.parser.TidewaterSqlParser;
import dev.tidewater.spi.TidewaterException;
import java.util.regex.Pattern;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.dialect.AnsiSqlDialect;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;

/** SQL text for people: identifiers quoted only where Tidewater's parser needs the quotes. */
final class SqlText {
  private static final Pattern PLAIN_NAME = Pattern.compile("[a-z_][a-z0-9_]*");
  private static final SqlDialect DISPLAY =
      new AnsiSqlDialect(
          SqlDialect.EMPTY_CONTEXT
              .withDatabaseProduct(SqlDialect.DatabaseProduct.UNKNOWN)
              .withIdentifierQuoteString("\"")
              .withUnquotedCasing(Casing.TO_LOWER));

  private SqlText() {}

  /** An expression as a user would write it: {@code amount >= 0}, {@code "Release Date" > ...}. */
  static String display(SqlNode expression) {
    return expression
        .toSqlString(
            config ->
                config
                    .withDialect(DISPLAY)
                    .withQuoteAllIdentifiers(false)
                    .withAlwaysUseParentheses(false)
                    .withClauseStartsLine(false)
                    .withIndentation(0))
        .getSql();
  }

  /** {@link #display(SqlNode)} of an expression's canonical text. */
  static String display(String canonicalExpression) {
    try {
      return display(
          SqlParser.create(canonicalExpression, TidewaterSqlParser.config()).parseExpression());
    } catch (SqlParseException e) {
      throw TidewaterException.internal(e, "stored expression does not parse: %s", e.getMessage());
    }
  }

  /** A column name, in double quotes unless it is a plain lower-case name. */
  static String name(String name) {
    return PLAIN_NAME.matcher(name).matches() ? name : '"' + name.replace("\"", "\"\"") + '"';
  }
}
