package dev.tidewater.flight;

import static java.util.Objects.requireNonNull;

import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A prepared statement: its text and the result schema {@code describe} gave (no fields for a
 * statement that returns an update count). It holds no resources; each execution gets its own.
 */
record PreparedStatement(ClientSession session, String sql, Schema schema) {
  PreparedStatement {
    requireNonNull(session, "session is null");
    requireNonNull(sql, "sql is null");
    requireNonNull(schema, "schema is null");
  }
}
