package dev.tidewater.connector.jdbc;

import dev.tidewater.connector.jdbc.JdbcColumn.ValueKind;
import dev.tidewater.spi.ColumnPredicate;
import dev.tidewater.spi.ExtractRequest;
import dev.tidewater.spi.Split;
import dev.tidewater.spi.TidewaterException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns an extract request into the queries of its splits: the projection becomes the select list,
 * the pushed-down predicates (the cursor window) a WHERE, and a numeric or temporal key (the
 * primary key, or {@code split_column}) is cut into {@code splits} ranges of equal width between
 * its minimum and maximum.
 */
final class SplitPlanner {
  private final JdbcConnector connector;
  private final JdbcTable table;
  private final String quote;

  /** The columns as PostgreSQL's binary COPY reads them, or null to read result sets. */
  private List<PgCopyFormat.Column> copyColumns;

  SplitPlanner(JdbcConnector connector, JdbcTable table) {
    this.connector = connector;
    this.table = table;
    this.quote = connector.identifierQuote();
  }

  List<Split> plan(ExtractRequest request) {
    List<JdbcColumn> columns = table.project(request.columns());
    StringBuilder select = new StringBuilder("SELECT ");
    for (int i = 0; i < columns.size(); i++) {
      select.append(i == 0 ? "" : ", ").append(JdbcConnector.quote(quote, columns.get(i).name()));
    }
    select.append(" FROM ").append(table.sqlName());
    copyColumns = connector.binaryCopy() ? PgCopyFormat.of(columns, quote) : null;
    List<String> conditions = new ArrayList<>();
    List<Object> parameters = new ArrayList<>();
    for (ColumnPredicate predicate : request.predicates()) {
      JdbcColumn column = table.column(predicate.column());
      if (column == null) {
        continue; // the planner filters again
      }
      conditions.add(
          JdbcConnector.quote(quote, column.name()) + " " + operator(predicate.operator()) + " ?");
      parameters.add(parameter(column, predicate.value()));
    }
    if (request.rowLimit() == 0) {
      return List.of();
    }
    if (request.rowLimit() > 0) {
      // A query's LIMIT over filters the database has in full: one query that stops there.
      // A few rows: a result set, which stops where the caller stops.
      copyColumns = null;
      return List.of(
          split(select, conditions, parameters, List.of(), List.of(), 1, 1, null)
              .limited(request.rowLimit(), connector.dialect()));
    }
    JdbcColumn key = splitColumn();
    JdbcOptions options = connector.options();
    int wanted = options.splits() != null ? options.splits() : options.parallelism();
    if (key == null || wanted <= 1) {
      return List.of(split(select, conditions, parameters, List.of(), List.of(), 1, 1, null));
    }
    String snapshot = null;
    long[] range;
    try {
      Connection connection = connector.snapshotConnection();
      if (connector.dialect().exportsSnapshots()) {
        snapshot = JdbcConnector.exportSnapshot(connection);
      }
      range = range(connection, key, conditions, parameters);
    } catch (SQLException e) {
      throw connector.failure(e, "cannot plan the splits of %s", table.displayName());
    }
    if (range == null) {
      return List.of(split(select, conditions, parameters, List.of(), List.of(), 1, 1, snapshot));
    }
    long min = range[0];
    long max = range[1];
    long width = Math.max(1, (max - min) / wanted + 1);
    int count = (int) Math.min(wanted, (max - min) / width + 1);
    String keyName = JdbcConnector.quote(quote, key.name());
    List<Split> splits = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long lower = min + i * width;
      List<String> rangeConditions = new ArrayList<>();
      List<Object> rangeParameters = new ArrayList<>();
      boolean first = i == 0;
      boolean last = i == count - 1;
      if (!first) {
        rangeConditions.add(keyName + " >= ?");
        rangeParameters.add(fromLong(key, lower));
      }
      if (!last) {
        rangeConditions.add(keyName + " < ?");
        rangeParameters.add(fromLong(key, lower + width));
      }
      if (first && !table.primaryKey().contains(key.name())) {
        // Rows whose split column is null belong to the first split.
        String bounded = rangeConditions.isEmpty() ? null : rangeConditions.remove(0);
        if (bounded != null) {
          rangeConditions.add("(" + bounded + " OR " + keyName + " IS NULL)");
        }
      }
      splits.add(
          split(
              select,
              conditions,
              parameters,
              rangeConditions,
              rangeParameters,
              i + 1,
              count,
              snapshot));
    }
    return splits;
  }

  private JdbcSplit split(
      StringBuilder select,
      List<String> conditions,
      List<Object> parameters,
      List<String> rangeConditions,
      List<Object> rangeParameters,
      int number,
      int count,
      String snapshot) {
    List<String> all = new ArrayList<>(conditions);
    all.addAll(rangeConditions);
    List<Object> values = new ArrayList<>(parameters);
    values.addAll(rangeParameters);
    String where = all.isEmpty() ? "" : " WHERE " + String.join(" AND ", all);
    String sql = select + where;
    String copySql = null;
    if (copyColumns != null) {
      // COPY takes no parameters: the same WHERE with its values inlined.
      copySql =
          "COPY ("
              + SqlLiterals.inlinePostgres(
                  PgCopyFormat.selectList(copyColumns) + " FROM " + table.sqlName() + where, values)
              + ") TO STDOUT (FORMAT binary)";
    }
    String description =
        table.displayName()
            + (count > 1 ? " split " + number + "/" + count : "")
            + ": "
            + (copySql != null ? copySql : SqlLiterals.inline(sql, values));
    return new JdbcSplit(sql, values, description, number, snapshot, -1, copySql);
  }

  /** The column to cut ranges over: {@code split_column}, else a one-column primary key. */
  private JdbcColumn splitColumn() {
    String named = connector.options().splitColumn();
    if (named != null) {
      JdbcColumn column = table.column(named);
      TidewaterException.check(
          column != null,
          "source '%s': split_column '%s' is not a column of %s",
          connector.sourceName(),
          named,
          table.displayName());
      TidewaterException.check(
          column.splittable(),
          "source '%s': split_column '%s' of %s is %s; splits need an integer, date or timestamp",
          connector.sourceName(),
          named,
          table.displayName(),
          column.databaseType());
      return column;
    }
    if (table.primaryKey().size() != 1) {
      return null;
    }
    JdbcColumn key = table.column(table.primaryKey().get(0));
    return key != null && key.splittable() ? key : null;
  }

  /** The key's minimum and maximum inside the request's predicates, or null for no rows. */
  private long[] range(
      Connection connection, JdbcColumn key, List<String> conditions, List<Object> parameters)
      throws SQLException {
    String keyName = JdbcConnector.quote(quote, key.name());
    String sql =
        "SELECT MIN("
            + keyName
            + "), MAX("
            + keyName
            + ") FROM "
            + table.sqlName()
            + (conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions));
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.size(); i++) {
        statement.setObject(i + 1, parameters.get(i));
      }
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        Long min = toLong(key, rows, 1);
        Long max = toLong(key, rows, 2);
        return min == null || max == null ? null : new long[] {min, max};
      }
    }
  }

  private static Long toLong(JdbcColumn key, ResultSet rows, int index) throws SQLException {
    Long value =
        switch (key.kind()) {
          case DATE -> {
            LocalDate date = rows.getObject(index, LocalDate.class);
            yield date == null ? null : date.toEpochDay();
          }
          case TIMESTAMP -> {
            LocalDateTime time = rows.getObject(index, LocalDateTime.class);
            yield time == null ? null : ValueWriter.micros(time);
          }
          case TIMESTAMP_TZ -> {
            OffsetDateTime time = rows.getObject(index, OffsetDateTime.class);
            yield time == null ? null : ValueWriter.micros(time);
          }
          default -> {
            long number = rows.getLong(index);
            yield rows.wasNull() ? null : number;
          }
        };
    return value;
  }

  /** A split bound in the key's own type. */
  private static Object fromLong(JdbcColumn key, long value) {
    return switch (key.kind()) {
      case DATE -> LocalDate.ofEpochDay(value);
      case TIMESTAMP -> timestamp(value);
      case TIMESTAMP_TZ -> timestamp(value).atOffset(ZoneOffset.UTC);
      case INT -> (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, value));
      default -> value;
    };
  }

  private static LocalDateTime timestamp(long micros) {
    return LocalDateTime.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L),
        (int) Math.floorMod(micros, 1_000_000L) * 1000,
        ZoneOffset.UTC);
  }

  /**
   * A pushed-down value as the database's type: cursor values of dates and timestamps arrive as
   * days and microseconds.
   */
  static Object parameter(JdbcColumn column, Object value) {
    if (value instanceof Long number) {
      if (column.kind() == ValueKind.DATE) {
        return LocalDate.ofEpochDay(number);
      }
      if (column.kind() == ValueKind.TIMESTAMP) {
        return timestamp(number);
      }
      if (column.kind() == ValueKind.TIMESTAMP_TZ) {
        return timestamp(number).atOffset(ZoneOffset.UTC);
      }
    }
    if (value instanceof java.time.Instant instant) {
      return instant.atOffset(ZoneOffset.UTC);
    }
    if (value instanceof BigDecimal || value instanceof Number || value instanceof String) {
      return value;
    }
    return value;
  }

  private static String operator(ColumnPredicate.Operator operator) {
    return switch (operator) {
      case EQUAL -> "=";
      case LESS_THAN -> "<";
      case LESS_THAN_OR_EQUAL -> "<=";
      case GREATER_THAN -> ">";
      case GREATER_THAN_OR_EQUAL -> ">=";
    };
  }
}
