package dev.tidewater.planner.contract;

import dev.tidewater.parser.TidewaterSqlParser;
import dev.tidewater.spi.TidewaterException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.dialect.CalciteSqlDialect;
import org.apache.calcite.sql.fun.SqlBetweenOperator;
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

              @Override
              public SqlNode visit(SqlCall call) {
                SqlNode visited = super.visit(call);
                if (visited instanceof SqlCall between
                    && between.getOperator() instanceof SqlBetweenOperator operator
                    && operator.flag == SqlBetweenOperator.Flag.ASYMMETRIC) {
                  return new PlainBetween(operator.isNegated())
                      .createCall(SqlParserPos.ZERO, between.getOperandList());
                }
                return visited;
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

  /**
   * {@code BETWEEN} as people write it: Calcite writes the default {@code ASYMMETRIC} too, which
   * would put {@code check(qty BETWEEN ASYMMETRIC 0 AND 9)} into rule names.
   */
  private static final class PlainBetween extends SqlBetweenOperator {
    PlainBetween(boolean negated) {
      super(Flag.ASYMMETRIC, negated);
    }

    @Override
    public void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
      SqlWriter.Frame frame = writer.startList(SqlWriter.FrameTypeEnum.SIMPLE, "", "");
      call.operand(VALUE_OPERAND).unparse(writer, getLeftPrec(), 0);
      writer.sep(isNegated() ? "NOT BETWEEN" : "BETWEEN");
      SqlNode lower = call.operand(LOWER_OPERAND);
      // as Calcite does: an AND inside the lower bound would read as the BETWEEN's own AND
      int lowerPrecedence = containsAnd(lower) ? 100 : 0;
      lower.unparse(writer, lowerPrecedence, lowerPrecedence);
      writer.sep("AND");
      call.operand(UPPER_OPERAND).unparse(writer, 0, getRightPrec());
      writer.endList(frame);
    }

    private static boolean containsAnd(SqlNode node) {
      return node instanceof SqlCall call
          && (call.getKind() == SqlKind.AND
              || call.getOperandList().stream().anyMatch(PlainBetween::containsAnd));
    }
  }

  private static boolean needsQuotes(String name) {
    return !PLAIN_NAME.matcher(name).matches()
        || KEYWORDS.isReservedWord(name.toUpperCase(Locale.ROOT));
  }
}
