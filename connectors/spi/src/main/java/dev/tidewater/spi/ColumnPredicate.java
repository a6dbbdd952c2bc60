package dev.tidewater.spi;

import static java.util.Objects.requireNonNull;

/**
 * A predicate {@code column op value} a connector may push down to its source. A connector that
 * cannot evaluate it returns rows that do not match; the planner filters again.
 */
public record ColumnPredicate(String column, Operator operator, Object value) {
  public ColumnPredicate {
    requireNonNull(column, "column is null");
    requireNonNull(operator, "operator is null");
    requireNonNull(value, "value is null");
  }

  /** Comparison operators. */
  public enum Operator {
    EQUAL,
    LESS_THAN,
    LESS_THAN_OR_EQUAL,
    GREATER_THAN,
    GREATER_THAN_OR_EQUAL
  }
}
