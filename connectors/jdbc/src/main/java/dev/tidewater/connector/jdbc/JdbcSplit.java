package dev.tidewater.connector.jdbc;

import static java.util.Objects.requireNonNull;

import dev.tidewater.spi.Split;
import java.util.List;

/**
 * One query of an extraction: a select list and a WHERE (the pushed-down predicates and, for range
 * splits, the split's range) with bound parameters; {@code snapshot} is the PostgreSQL snapshot all
 * splits of the load read, or null; {@code maxRows} the rows the caller needs at most (also in the
 * SQL where the dialect has a LIMIT), or -1; {@code copySql} the same query as PostgreSQL's {@code
 * COPY ... TO STDOUT (FORMAT binary)} with the parameters inlined, or null to read a result set.
 */
record JdbcSplit(
    String sql,
    List<Object> parameters,
    String description,
    int number,
    String snapshot,
    long maxRows,
    String copySql)
    implements Split {
  JdbcSplit {
    requireNonNull(sql, "sql is null");
    parameters = List.copyOf(parameters);
    requireNonNull(description, "description is null");
  }

  /**
   * The same query for at most {@code rows} rows: a LIMIT in the SQL where the dialect has one,
   * read as a result set.
   */
  JdbcSplit limited(long rows, Dialect dialect) {
    String limit = dialect.limitClause(rows);
    return new JdbcSplit(
        sql + limit, parameters, description + limit, number, snapshot, rows, null);
  }

  @Override
  public long estimatedBytes() {
    return -1;
  }
}
