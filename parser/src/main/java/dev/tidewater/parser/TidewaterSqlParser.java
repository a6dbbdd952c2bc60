package dev.tidewater.parser;

import dev.tidewater.parser.impl.SimpleCharStream;
import dev.tidewater.parser.impl.TidewaterParserImpl;
import dev.tidewater.parser.impl.TidewaterParserImplConstants;
import dev.tidewater.parser.impl.TidewaterParserImplTokenManager;
import dev.tidewater.parser.impl.Token;
import dev.tidewater.parser.impl.TokenMgrError;
import java.io.StringReader;
import java.util.List;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.dialect.CalciteSqlDialect;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.validate.SqlConformanceEnum;

/**
 * Parses Tidewater SQL: Calcite's SQL plus the statements in {@code dev.tidewater.parser.ast}.
 *
 * <p>Identifiers: unquoted identifiers are folded to lower case ({@code Orders} and {@code ORDERS}
 * are {@code orders}), double-quoted identifiers keep their case ({@code "Release Date"}), and name
 * lookup is case-insensitive. Lower case because Iceberg catalogs, PostgreSQL and most file headers
 * use lower-case names, so that names a user types without quotes match the stored ones and tables
 * created by a LOAD get the names other engines expect.
 *
 * <p>Every {@link SqlParseException} carries the position ({@link SqlParseException#getPos()}) of
 * the offending token in the text that was passed in, the whole script for {@link
 * #parseStatements}.
 */
public final class TidewaterSqlParser {
  private static final SqlParser.Config CONFIG =
      SqlParser.config()
          .withParserFactory(TidewaterParserImpl.FACTORY)
          .withUnquotedCasing(Casing.TO_LOWER)
          .withQuotedCasing(Casing.UNCHANGED)
          .withCaseSensitive(false)
          .withConformance(SqlConformanceEnum.DEFAULT);

  private TidewaterSqlParser() {}

  /** The parser configuration; see the class comment for the identifier rules. */
  public static SqlParser.Config config() {
    return CONFIG;
  }

  /** Parses one statement; a trailing {@code ;} and comments are allowed. */
  public static SqlNode parseStatement(String sql) throws SqlParseException {
    List<SqlNode> statements = parseStatements(sql);
    if (statements.size() == 1) {
      return statements.get(0);
    }
    SqlParserPos pos =
        statements.isEmpty() ? new SqlParserPos(1, 1) : statements.get(1).getParserPosition();
    String message =
        statements.isEmpty()
            ? "Expected one SQL statement, found none"
            : "Expected one SQL statement, found "
                + statements.size()
                + "; the second begins at line "
                + pos.getLineNum()
                + ", column "
                + pos.getColumnNum();
    throw new SqlParseException(message, pos, null, null, null);
  }

  /**
   * Parses a script of statements separated by {@code ;}, with comments and an optional final
   * {@code ;}; an empty script gives an empty list. Positions are relative to the whole script.
   */
  public static List<SqlNode> parseStatements(String script) throws SqlParseException {
    if (!hasStatement(script)) {
      return List.of(); // Calcite's statement list fails on an empty script
    }
    SqlNodeList statements = SqlParser.create(script, CONFIG).parseStmtList();
    return List.copyOf(statements.getList());
  }

  /**
   * The canonical text of a statement, identifiers in double quotes: text that {@link
   * #parseStatement} turns back into an equal tree. ({@code SqlNode.toString()} quotes identifiers
   * with back-ticks, which this parser does not accept.)
   */
  public static String toSql(SqlNode node) {
    return node.toSqlString(
            c ->
                c.withDialect(CalciteSqlDialect.DEFAULT)
                    .withAlwaysUseParentheses(false)
                    .withSelectListItemsOnSeparateLines(false)
                    .withUpdateSetListNewline(false)
                    .withClauseStartsLine(false)
                    .withIndentation(0))
        .getSql();
  }

  /** Whether the script has a token other than ';' (comments are not tokens). */
  private static boolean hasStatement(String script) {
    TidewaterParserImplTokenManager tokens =
        new TidewaterParserImplTokenManager(new SimpleCharStream(new StringReader(script)));
    try {
      for (Token token = tokens.getNextToken();
          token.kind != TidewaterParserImplConstants.EOF;
          token = tokens.getNextToken()) {
        if (token.kind != TidewaterParserImplConstants.SEMICOLON) {
          return true;
        }
      }
      return false;
    } catch (TokenMgrError e) {
      return true; // the parser reports the error with its position
    }
  }
}
