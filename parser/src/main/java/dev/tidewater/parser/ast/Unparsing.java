package dev.tidewater.parser.ast;

import java.util.List;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/** Shared pieces of the statements' canonical text and operand lists. */
final class Unparsing {
  private Unparsing() {}

  /** Writes {@code (a, b, ...)}. */
  static void parenthesized(SqlWriter writer, List<? extends SqlNode> nodes) {
    SqlWriter.Frame frame = writer.startList("(", ")");
    for (SqlNode node : nodes) {
      writer.sep(",");
      node.unparse(writer, 0, 0);
    }
    writer.endList(frame);
  }

  /**
   * Writes a character literal as {@code 'text'}, also for non-ASCII text, which Calcite would
   * write as {@code U&'...'}: the grammar's quoted strings (option values, branch names, load ids)
   * accept only the plain form.
   */
  static void string(SqlWriter writer, SqlLiteral literal) {
    String value = literal.getValueAs(String.class);
    writer.literal("'" + value.replace("'", "''") + "'");
  }

  /** Writes a literal, using {@link #string} for character literals. */
  static void literal(SqlWriter writer, SqlLiteral literal) {
    if (literal instanceof SqlCharStringLiteral) {
      string(writer, literal);
    } else {
      literal.unparse(writer, 0, 0);
    }
  }

  /** Writes {@code WITH (key = value, ...)} unless the list is empty. */
  static void options(SqlWriter writer, SqlNodeList options) {
    if (!options.isEmpty()) {
      writer.keyword("WITH");
      parenthesized(writer, options);
    }
  }

  /** A boolean flag as an operand, so that {@code equalsDeep} compares it. */
  static SqlLiteral flag(boolean value) {
    return SqlLiteral.createBoolean(value, SqlParserPos.ZERO);
  }

  /** An enum as an operand, so that {@code equalsDeep} compares it; null stays null. */
  static SqlLiteral symbol(Enum<?> value) {
    return value == null ? null : SqlLiteral.createSymbol(value, SqlParserPos.ZERO);
  }
}
