package dev.tidewater.planner.query;

import java.math.BigDecimal;
import java.util.List;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Turns Calcite filters into an Iceberg scan filter for file and row-group pruning. What it cannot
 * translate becomes {@code alwaysTrue}; Calcite applies every filter again on the rows.
 */
final class FilterTranslator {
  /** Expands SEARCH calls; the literals it makes keep the types of the ones it expands. */
  private static final RexBuilder REX_BUILDER = new RexBuilder(new JavaTypeFactoryImpl());

  private FilterTranslator() {}

  static Expression translate(List<RexNode> filters, org.apache.iceberg.Schema schema) {
    Expression result = Expressions.alwaysTrue();
    for (RexNode filter : filters) {
      Expression expression = translate(filter, schema);
      if (expression != null) {
        result = Expressions.and(result, expression);
      }
    }
    return result;
  }

  /** The Iceberg expression for a Calcite one, or null when there is none. */
  private static Expression translate(RexNode node, org.apache.iceberg.Schema schema) {
    if (!(node instanceof RexCall call)) {
      return null;
    }
    SqlKind kind = call.getKind();
    switch (kind) {
      case SEARCH -> {
        // Calcite folds ranges, IN lists and ORs of comparisons into SEARCH(column, Sarg).
        return translate(RexUtil.expandSearch(REX_BUILDER, null, call), schema);
      }
      case AND -> {
        Expression result = Expressions.alwaysTrue();
        for (RexNode operand : call.getOperands()) {
          Expression part = translate(operand, schema);
          if (part != null) {
            result = Expressions.and(result, part);
          }
        }
        return result;
      }
      case OR -> {
        Expression result = Expressions.alwaysFalse();
        for (RexNode operand : call.getOperands()) {
          Expression part = translate(operand, schema);
          if (part == null) {
            return null;
          }
          result = Expressions.or(result, part);
        }
        return result;
      }
      case IS_NULL, IS_NOT_NULL -> {
        String column = column(call.getOperands().get(0), schema);
        if (column == null) {
          return null;
        }
        return kind == SqlKind.IS_NULL ? Expressions.isNull(column) : Expressions.notNull(column);
      }
      case EQUALS,
          NOT_EQUALS,
          LESS_THAN,
          LESS_THAN_OR_EQUAL,
          GREATER_THAN,
          GREATER_THAN_OR_EQUAL -> {
        return comparison(call, schema);
      }
      default -> {
        return null;
      }
    }
  }

  private static Expression comparison(RexCall call, org.apache.iceberg.Schema schema) {
    RexNode left = call.getOperands().get(0);
    RexNode right = call.getOperands().get(1);
    SqlKind kind = call.getKind();
    if (left instanceof RexLiteral && right instanceof RexInputRef) {
      RexNode swap = left;
      left = right;
      right = swap;
      kind = kind.reverse();
    }
    String column = column(left, schema);
    if (column == null || !(right instanceof RexLiteral literal)) {
      return null;
    }
    Object value;
    try {
      value = value(literal, schema.findField(column).type());
    } catch (RuntimeException | AssertionError e) {
      return null; // a literal of another type: Calcite filters the rows itself
    }
    if (value == null) {
      return null;
    }
    return switch (kind) {
      case EQUALS -> Expressions.equal(column, value);
      case NOT_EQUALS -> Expressions.notEqual(column, value);
      case LESS_THAN -> Expressions.lessThan(column, value);
      case LESS_THAN_OR_EQUAL -> Expressions.lessThanOrEqual(column, value);
      case GREATER_THAN -> Expressions.greaterThan(column, value);
      case GREATER_THAN_OR_EQUAL -> Expressions.greaterThanOrEqual(column, value);
      default -> null;
    };
  }

  private static String column(RexNode node, org.apache.iceberg.Schema schema) {
    if (node instanceof RexInputRef ref && ref.getIndex() < schema.columns().size()) {
      Types.NestedField field = schema.columns().get(ref.getIndex());
      return field.type().isPrimitiveType() ? field.name() : null;
    }
    return null;
  }

  private static Object value(RexLiteral literal, Type type) {
    if (literal.isNull()) {
      return null;
    }
    return switch (type.typeId()) {
      case INTEGER -> literal.getValueAs(Integer.class);
      case LONG -> literal.getValueAs(Long.class);
      case FLOAT -> literal.getValueAs(Float.class);
      case DOUBLE -> literal.getValueAs(Double.class);
      case DECIMAL -> literal.getValueAs(BigDecimal.class);
      case STRING -> literal.getValueAs(String.class);
      case BOOLEAN -> literal.getValueAs(Boolean.class);
      case DATE -> literal.getValueAs(Integer.class);
      case TIMESTAMP -> {
        Long millis = literal.getValueAs(Long.class);
        yield millis == null ? null : millis * 1_000;
      }
      default -> null;
    };
  }
}
