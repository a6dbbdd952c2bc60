package dev.tidewater.planner.query;

import dev.tidewater.spi.ColumnPredicate;
import dev.tidewater.spi.ColumnPredicate.Operator;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;

/**
 * Turns the conjuncts of Calcite filters that compare a column with a literal into predicates a
 * source may push down (a JDBC source puts them into its query's WHERE). What it cannot translate
 * it leaves out; Calcite applies every filter again on the rows, so a source may only prune.
 *
 * <p>Values take the forms the cursor predicates of a load use: whole numbers as {@code Long},
 * dates as days and timestamps as microseconds since the epoch ({@code Long}), decimals as {@code
 * BigDecimal}. Text is pushed only for equality: a database's collation may order it otherwise than
 * Calcite does.
 */
final class SourcePredicates {
  private static final RexBuilder REX_BUILDER = new RexBuilder(new JavaTypeFactoryImpl());

  private SourcePredicates() {}

  static List<ColumnPredicate> translate(List<RexNode> filters, Schema schema) {
    List<ColumnPredicate> predicates = new ArrayList<>();
    for (RexNode filter : filters) {
      collect(filter, schema, predicates);
    }
    return predicates;
  }

  /**
   * Whether the source can evaluate {@code condition} in full (every conjunct translates), so that
   * a LIMIT above it may go to the source too.
   */
  static boolean translatesWhole(RexNode condition, Schema schema) {
    return collect(condition, schema, new ArrayList<>());
  }

  /** Adds what {@code node} translates to; true when that is all of it. */
  private static boolean collect(RexNode node, Schema schema, List<ColumnPredicate> predicates) {
    if (!(node instanceof RexCall call)) {
      return false;
    }
    switch (call.getKind()) {
      case SEARCH -> {
        return collect(RexUtil.expandSearch(REX_BUILDER, null, call), schema, predicates);
      }
      case AND -> {
        boolean whole = true;
        for (RexNode operand : call.getOperands()) {
          whole &= collect(operand, schema, predicates);
        }
        return whole;
      }
      case EQUALS, LESS_THAN, LESS_THAN_OR_EQUAL, GREATER_THAN, GREATER_THAN_OR_EQUAL -> {
        ColumnPredicate predicate = comparison(call, schema);
        if (predicate != null) {
          predicates.add(predicate);
        }
        return predicate != null;
      }
      default -> {
        return false; // OR, NOT, functions...: Calcite filters
      }
    }
  }

  private static ColumnPredicate comparison(RexCall call, Schema schema) {
    RexNode left = call.getOperands().get(0);
    RexNode right = call.getOperands().get(1);
    SqlKind kind = call.getKind();
    if (left instanceof RexLiteral && right instanceof RexInputRef) {
      RexNode swap = left;
      left = right;
      right = swap;
      kind = kind.reverse();
    }
    if (!(left instanceof RexInputRef ref)
        || !(right instanceof RexLiteral literal)
        || literal.isNull()
        || ref.getIndex() >= schema.getFields().size()) {
      return null;
    }
    Field field = schema.getFields().get(ref.getIndex());
    Object value;
    try {
      value = value(literal, field.getType());
    } catch (RuntimeException | AssertionError e) {
      return null; // a literal of another type: Calcite filters the rows itself
    }
    if (value == null || value instanceof String && kind != SqlKind.EQUALS) {
      return null;
    }
    Operator operator =
        switch (kind) {
          case EQUALS -> Operator.EQUAL;
          case LESS_THAN -> Operator.LESS_THAN;
          case LESS_THAN_OR_EQUAL -> Operator.LESS_THAN_OR_EQUAL;
          case GREATER_THAN -> Operator.GREATER_THAN;
          case GREATER_THAN_OR_EQUAL -> Operator.GREATER_THAN_OR_EQUAL;
          default -> null;
        };
    return operator == null ? null : new ColumnPredicate(field.getName(), operator, value);
  }

  private static Object value(RexLiteral literal, ArrowType type) {
    return switch (type.getTypeID()) {
      case Int -> literal.getValueAs(Long.class);
      case FloatingPoint -> literal.getValueAs(Double.class);
      case Decimal -> literal.getValueAs(BigDecimal.class);
      case Utf8, LargeUtf8 -> literal.getValueAs(String.class);
      case Bool -> literal.getValueAs(Boolean.class);
      case Date -> {
        Integer days = literal.getValueAs(Integer.class);
        yield days == null ? null : (Object) days.longValue();
      }
      case Timestamp -> {
        Long millis = literal.getValueAs(Long.class);
        yield millis == null ? null : (Object) (millis * 1_000);
      }
      default -> null;
    };
  }
}
