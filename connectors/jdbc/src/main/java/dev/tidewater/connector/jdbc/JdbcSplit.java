package dev.tidewater.connector.jdbc;

import static java.util.Objects.requireNonNull;

import dev.tidewater.spi.Split;
import java.util.List;

/**
 * One query of an extraction: a select list and a WHERE (the pushed-down predicates and, for range
 * splits, the split's range) with bound parameters; {@code snapshot} is the PostgreSQL snapshot all
 * splits of the load read, or null.
 */
record JdbcSplit(
    String sql, List<Object> parameters, String description, int number, String snapshot)
    implements Split {
  JdbcSplit {
    requireNonNull(sql, "sql is null");
    parameters = List.copyOf(parameters);
    requireNonNull(description, "description is null");
  }

  @Override
  public long estimatedBytes() {
    return -1;
  }
}
