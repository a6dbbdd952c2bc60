package dev.tidewater.iceberg;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.types.Comparators;
import org.apache.iceberg.types.Types;

/**
 * What the incoming MERGE keys span, per key column: the smallest and largest value, and the
 * distinct values while there are few. Its {@link #filter} prunes target files and row groups by
 * their statistics, and is the commit's conflict-detection filter.
 */
final class MergeKeyBounds {
  /**
   * Up to this many distinct values a column becomes an IN predicate; Iceberg's metrics evaluators
   * stop using IN lists beyond 200 values.
   */
  static final int MAX_IN_VALUES = 200;

  private final List<Types.NestedField> fields;
  private final List<Comparator<Object>> comparators = new ArrayList<>();
  private final Object[] min;
  private final Object[] max;
  private final List<Set<Object>> distinct = new ArrayList<>();

  @SuppressWarnings("unchecked")
  MergeKeyBounds(List<Types.NestedField> fields) {
    this.fields = fields;
    this.min = new Object[fields.size()];
    this.max = new Object[fields.size()];
    for (Types.NestedField field : fields) {
      comparators.add((Comparator<Object>) Comparators.forType(field.type().asPrimitiveType()));
      distinct.add(new HashSet<>());
    }
  }

  boolean isEmpty() {
    return min[0] == null;
  }

  /**
   * Takes in {@code value} (not null, Iceberg's internal representation) of key column {@code i}.
   */
  void add(int column, Object value) {
    Comparator<Object> comparator = comparators.get(column);
    if (min[column] == null || comparator.compare(value, min[column]) < 0) {
      min[column] = value;
    }
    if (max[column] == null || comparator.compare(value, max[column]) > 0) {
      max[column] = value;
    }
    Set<Object> values = distinct.get(column);
    if (values != null && values.add(value) && values.size() > MAX_IN_VALUES) {
      distinct.set(column, null);
    }
  }

  /** Rows that may hold an incoming key; false for every row when there are no keys. */
  Expression filter() {
    if (isEmpty()) {
      return Expressions.alwaysFalse();
    }
    Expression filter = Expressions.alwaysTrue();
    for (int i = 0; i < fields.size(); i++) {
      String name = fields.get(i).name();
      Set<Object> values = distinct.get(i);
      Expression column =
          values != null
              ? Expressions.in(name, values.toArray())
              : Expressions.and(
                  Expressions.greaterThanOrEqual(name, min[i]),
                  Expressions.lessThanOrEqual(name, max[i]));
      filter = Expressions.and(filter, column);
    }
    return filter;
  }
}
