package dev.tidewater.planner.contract;

import dev.tidewater.parser.TidewaterSqlParser;
import dev.tidewater.spi.TidewaterException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.dialect.CalciteSqlDialect;
import org.apache.calcite.sql.parser.SqlAbstractParserImpl;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlShuttle;

/** SQL text for people: identifiers quoted only where Tidewater's parser needs the quotes. */
final class SqlText {
  private static final Pattern PLAIN_NAME = Pattern.compile("[a-z_][a-z0-9_]*");
  private static final SqlAbstractParserImpl.Metadata KEYWORDS =
      TidewaterSqlParser.config().parserFactory().getParser(new StringReader("")).getMetadata();

  private SqlText() {}

  /** An expression as a user would write it: {@code amount >= 0}, {@code "Release Date" > ...}. */
  static String display(SqlNode expression) {
    SqlNode requoted =
        expression.accept(
            new SqlShuttle() {
              @Override
              public SqlNode visit(SqlIdentifier id) {
                List<SqlParserPos> positions = new ArrayList<>();
                for (String name : id.names) {
                  positions.add(needsQuotes(name) ? SqlParserPos.QUOTED_ZERO : SqlParserPos.ZERO);
                }
                return new SqlIdentifier(id.names, null, SqlParserPos.ZERO, positions);
              }
            });
    return requoted
        .toSqlString(
            config ->
                config
                    .withDialect(CalciteSqlDialect.DEFAULT)
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

  /** A column name, in double quotes unless the parser reads it back the same without. */
  static String name(String name) {
    return needsQuotes(name) ? '"' + name.replace("\"", "\"\"") + '"' : name;
  }

  private static boolean needsQuotes(String name) {
    return !PLAIN_NAME.matcher(name).matches()
        || KEYWORDS.isReservedWord(name.toUpperCase(Locale.ROOT));
  }
}
