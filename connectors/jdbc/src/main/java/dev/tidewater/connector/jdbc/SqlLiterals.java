package dev.tidewater.connector.jdbc;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * Writes a query with its parameters inlined: for EXPLAIN and error messages, and for PostgreSQL's
 * COPY, which takes no parameters ({@link #inlinePostgres}).
 */
final class SqlLiterals {
  private SqlLiterals() {}

  static String inline(String sql, List<Object> parameters) {
    return inline(sql, parameters, false);
  }

  /**
   * The query with its parameters as PostgreSQL literals that mean the same whatever {@code
   * standard_conforming_strings} says: strings as {@code E'...'} with quotes and backslashes
   * escaped, non-finite floats quoted. The planner's placeholders are the only question marks
   * outside identifiers.
   */
  static String inlinePostgres(String sql, List<Object> parameters) {
    return inline(sql, parameters, true);
  }

  private static String inline(String sql, List<Object> parameters, boolean postgres) {
    StringBuilder text = new StringBuilder();
    int next = 0;
    boolean quoted = false;
    for (int i = 0; i < sql.length(); i++) {
      char c = sql.charAt(i);
      if (postgres && c == '"') {
        quoted = !quoted;
      }
      if (c == '?' && !quoted && next < parameters.size()) {
        Object value = parameters.get(next++);
        text.append(postgres ? postgresLiteral(value) : literal(value));
      } else {
        text.append(c);
      }
    }
    return text.toString();
  }

  private static String postgresLiteral(Object value) {
    if (value instanceof Double || value instanceof Float) {
      double number = ((Number) value).doubleValue();
      return Double.isFinite(number) ? value.toString() : "'" + value + "'";
    }
    if (value instanceof String string) {
      return "E'" + string.replace("\\", "\\\\").replace("'", "''") + "'";
    }
    return literal(value);
  }

  static String literal(Object value) {
    if (value == null) {
      return "NULL";
    }
    if (value instanceof BigDecimal decimal) {
      return decimal.toPlainString();
    }
    if (value instanceof Number) {
      return value.toString();
    }
    if (value instanceof LocalDate) {
      return "DATE '" + value + "'";
    }
    if (value instanceof LocalDateTime) {
      return "TIMESTAMP '" + value + "'";
    }
    if (value instanceof OffsetDateTime) {
      return "TIMESTAMP WITH TIME ZONE '" + value + "'";
    }
    return "'" + value.toString().replace("'", "''") + "'";
  }
}
