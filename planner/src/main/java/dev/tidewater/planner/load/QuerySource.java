package dev.tidewater.planner.load;

import static java.util.Objects.requireNonNull;

import dev.tidewater.planner.Engine;
import dev.tidewater.planner.SessionState;
import dev.tidewater.planner.query.QueryEngine;
import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.ColumnPredicate;
import dev.tidewater.spi.Connector;
import dev.tidewater.spi.ExtractRequest;
import dev.tidewater.spi.SourceObject;
import dev.tidewater.spi.Split;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A query as the extract stage of a LOAD ({@code LOAD (SELECT ...) INTO ...}, and {@code LOAD
 * catalog.ns.table INTO ...}, an Iceberg table as a source): a connector over Tidewater's own query
 * engine, so that every disposition, contract, ON ERROR mode and cursor of a LOAD works on it
 * unchanged. One split runs the query; its result streams as Arrow batches, never materialized.
 *
 * <p>The cursor window's predicates are pushed into the query as a {@code WHERE} around it, where
 * Calcite takes them further (into an Iceberg scan's file pruning or a JDBC source's SQL); the
 * planner filters the rows again, so a predicate that cannot be written as SQL is left out.
 * Timestamp bounds widen to whole milliseconds (Calcite's precision): the pushed filter may keep
 * rows the window drops, never the reverse.
 */
final class QuerySource implements Connector {
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final String sql;
  private final String description;
  private final QueryEngine queries;
  private Schema schema;

  /**
   * A source over {@code sql}, whose unqualified names resolve in {@code catalog} and {@code
   * namespace}; {@code description} names it in plans (e.g. the query, or the table).
   */
  QuerySource(Engine engine, String sql, String description, String catalog, String namespace) {
    this.sql = requireNonNull(sql, "sql is null");
    this.description = requireNonNull(description, "description is null");
    this.queries = new QueryEngine(engine, new SessionState(catalog, namespace));
  }

  @Override
  public List<SourceObject> listObjects() {
    return List.of(SourceObject.SELF);
  }

  @Override
  public Schema discover(SourceObject object) {
    if (schema == null) {
      schema = queries.describe(sql);
    }
    return schema;
  }

  @Override
  public List<Split> plan(ExtractRequest request) {
    return List.of(new QuerySplit(description, sql(request)));
  }

  @Override
  public BatchReader open(Split split, ExtractRequest request, BufferAllocator allocator) {
    return queries.execute(((QuerySplit) split).sql(), allocator);
  }

  @Override
  public void close() {
    queries.close();
  }

  /** The query with the request's predicates as a WHERE around it, when there are any. */
  String sql(ExtractRequest request) {
    List<String> conditions = new ArrayList<>();
    for (ColumnPredicate predicate : request.predicates()) {
      String condition = condition(predicate);
      if (condition != null) {
        conditions.add(condition);
      }
    }
    if (conditions.isEmpty()) {
      return sql;
    }
    return "SELECT * FROM (" + sql + ") AS \"q\" WHERE " + String.join(" AND ", conditions);
  }

  private String condition(ColumnPredicate predicate) {
    Field field = field(predicate.column());
    if (field == null) {
      return null;
    }
    boolean lower =
        predicate.operator() == ColumnPredicate.Operator.GREATER_THAN
            || predicate.operator() == ColumnPredicate.Operator.GREATER_THAN_OR_EQUAL;
    String literal = literal(field.getType(), predicate.value(), lower);
    if (literal == null) {
      return null;
    }
    String operator =
        switch (predicate.operator()) {
          case EQUAL -> "=";
          case LESS_THAN -> "<";
          case LESS_THAN_OR_EQUAL -> "<=";
          case GREATER_THAN -> ">";
          case GREATER_THAN_OR_EQUAL -> ">=";
        };
    // a bound widened to whole milliseconds must keep its own value in
    if (field.getType() instanceof ArrowType.Timestamp) {
      operator =
          switch (predicate.operator()) {
            case LESS_THAN -> "<=";
            case GREATER_THAN -> ">=";
            default -> operator;
          };
    }
    return "\"q\".\"" + field.getName().replace("\"", "\"\"") + "\" " + operator + " " + literal;
  }

  private Field field(String column) {
    for (Field field : discover(SourceObject.SELF).getFields()) {
      if (field.getName().equalsIgnoreCase(column)) {
        return field;
      }
    }
    return null;
  }

  /**
   * A SQL literal of the cursor value {@code value} for a column of {@code type}: cursor values are
   * {@code Long} for integers, dates (days) and timestamps (microseconds). Null when the value is
   * not written as SQL here (time zones, other types): the planner's filter alone applies.
   */
  private static String literal(ArrowType type, Object value, boolean lower) {
    return switch (type.getTypeID()) {
      case Int -> value instanceof Long number ? number.toString() : null;
      case FloatingPoint ->
          value instanceof Double number && Double.isFinite(number)
              ? BigDecimal.valueOf(number).toPlainString() + "E0"
              : null;
      case Decimal -> value instanceof BigDecimal number ? number.toPlainString() : null;
      case Date -> value instanceof Long days ? "DATE '" + LocalDate.ofEpochDay(days) + "'" : null;
      case Timestamp -> {
        if (!(value instanceof Long micros) || ((ArrowType.Timestamp) type).getTimezone() != null) {
          yield null;
        }
        long millis = lower ? Math.floorDiv(micros, 1000) : -Math.floorDiv(-micros, 1000);
        LocalDateTime time = LocalDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
        yield "TIMESTAMP '" + TIMESTAMP.format(time.toInstant(ZoneOffset.UTC)) + "'";
      }
      case Utf8, LargeUtf8 ->
          value instanceof String text ? "'" + text.replace("'", "''") + "'" : null;
      default -> null;
    };
  }

  /** The one split of a query source: the query as run, with its pushed predicates. */
  private record QuerySplit(String name, String sql) implements Split {
    @Override
    public String description() {
      return name + ": " + sql;
    }

    @Override
    public long estimatedBytes() {
      return -1;
    }
  }
}
