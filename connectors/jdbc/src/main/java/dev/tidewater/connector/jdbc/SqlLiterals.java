package dev.tidewater.connector.jdbc;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.List;

/** Writes a query with its parameters inlined, for EXPLAIN and error messages only. */
final class SqlLiterals {
  private SqlLiterals() {}

  static String inline(String sql, List<Object> parameters) {
    StringBuilder text = new StringBuilder();
    int next = 0;
    for (int i = 0; i < sql.length(); i++) {
      char c = sql.charAt(i);
      if (c == '?' && next < parameters.size()) {
        text.append(literal(parameters.get(next++)));
      } else {
        text.append(c);
      }
    }
    return text.toString();
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
