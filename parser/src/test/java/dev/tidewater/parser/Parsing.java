package dev.tidewater.parser;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.util.Litmus;

/** Test helpers: every statement a test parses also goes through an unparse round trip. */
final class Parsing {
  private Parsing() {}

  /**
   * Parses {@code sql} as one statement of type {@code type}, and checks that its canonical text
   * parses to an equal tree with the same canonical text.
   */
  static <T extends SqlNode> T parse(String sql, Class<T> type) {
    SqlNode node = parseUnchecked(sql);
    assertThat(node).isInstanceOf(type);
    String canonical = TidewaterSqlParser.toSql(node);
    SqlNode reparsed = parseUnchecked(canonical);
    assertThat(reparsed).isInstanceOf(type);
    assertThat(TidewaterSqlParser.toSql(reparsed)).isEqualTo(canonical);
    assertThat(node.equalsDeep(reparsed, Litmus.IGNORE))
        .as("reparsed tree of %s equals the original", canonical)
        .isTrue();
    return type.cast(node);
  }

  static SqlNode parseUnchecked(String sql) {
    try {
      return TidewaterSqlParser.parseStatement(sql);
    } catch (SqlParseException e) {
      throw new AssertionError("cannot parse: " + sql + "\n" + e.getMessage(), e);
    }
  }

  /** The identifier's name parts joined by dots. */
  static String name(SqlNode identifier) {
    return String.join(".", ((SqlIdentifier) identifier).names);
  }

  /** A character literal's value. */
  static String text(SqlNode literal) {
    return ((SqlLiteral) literal).getValueAs(String.class);
  }
}
