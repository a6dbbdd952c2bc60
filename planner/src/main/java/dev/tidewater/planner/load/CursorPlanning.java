package dev.tidewater.planner.load;

import dev.tidewater.parser.ast.SqlLoad;
import dev.tidewater.planner.Positions;
import dev.tidewater.spi.ColumnPredicate;
import dev.tidewater.spi.TidewaterException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.sql.SqlNode;
import org.apache.iceberg.Table;

/** Plans the cursor window of INCREMENTAL and BACKFILL: its bounds, placement and pushdown. */
final class CursorPlanning {
  private CursorPlanning() {}

  /** The cursor window of an INCREMENTAL or BACKFILL load, or null. */
  static CursorWindow cursorWindow(
      SqlLoad load, String sourceName, Normalizer normalizer, Table table) {
    if (load.incrementalColumn == null) {
      if (load.backfillFrom != null) {
        throw Positions.userError(
            load.backfillFrom, "BACKFILL needs INCREMENTAL ON <cursor column> to name the column");
      }
      return null;
    }
    String column = load.incrementalColumn.getSimple();
    Normalizer.ColumnMapping mapping =
        normalizer.mappings().stream()
            .filter(each -> each.source().getName().equalsIgnoreCase(column))
            .findFirst()
            .orElseThrow(
                () ->
                    Positions.userError(
                        load.incrementalColumn,
                        "the cursor column '%s' is not a column of source '%s'",
                        column,
                        sourceName));
    CursorType type;
    try {
      type = CursorType.of(mapping.output());
    } catch (TidewaterException e) {
      throw Positions.userError(load.incrementalColumn, "%s", e.getMessage());
    }
    Comparable<?> previous =
        table == null ? null : Cursors.last(table, sourceName).map(type::parse).orElse(null);
    if (load.backfillFrom != null) {
      Comparable<?> from = parse(type, load.backfillFrom);
      Comparable<?> to = parse(type, load.backfillTo);
      if (CursorType.compare(from, to) >= 0) {
        throw Positions.userError(load.backfillFrom, "BACKFILL FROM must be below TO");
      }
      return new CursorWindow(
          mapping.output().getName(), type, from, true, to, previous, CursorWindow.Movement.STAYS);
    }
    Comparable<?> lower;
    boolean inclusive;
    if (previous != null) {
      if (load.incrementalLag != null) {
        lower = type.minus(previous, Cursors.lag(load.incrementalLag, type));
        inclusive = true;
      } else {
        lower = previous;
        inclusive = false;
      }
    } else {
      lower = load.incrementalInitial == null ? null : parse(type, load.incrementalInitial);
      inclusive = true;
    }
    return new CursorWindow(
        mapping.output().getName(),
        type,
        lower,
        inclusive,
        null,
        previous,
        CursorWindow.Movement.MOVES);
  }

  static Comparable<?> parse(CursorType type, SqlNode literal) {
    try {
      return type.parse(Cursors.literalText(literal));
    } catch (TidewaterException e) {
      if (e.position().isPresent()) {
        throw e;
      }
      throw Positions.userError(literal, "%s", e.getMessage());
    }
  }

  /** The window as predicates on the source's column, for sources that can filter. */
  static List<ColumnPredicate> predicates(CursorWindow cursor, Normalizer normalizer) {
    String sourceColumn = normalizer.sourceColumn(cursor.column());
    List<ColumnPredicate> predicates = new ArrayList<>();
    if (cursor.lower() != null) {
      predicates.add(
          new ColumnPredicate(
              sourceColumn,
              cursor.lowerInclusive()
                  ? ColumnPredicate.Operator.GREATER_THAN_OR_EQUAL
                  : ColumnPredicate.Operator.GREATER_THAN,
              cursor.lower()));
    }
    if (cursor.upper() != null) {
      predicates.add(
          new ColumnPredicate(sourceColumn, ColumnPredicate.Operator.LESS_THAN, cursor.upper()));
    }
    return predicates;
  }

  /**
   * Whether the cursor window can compare the cursor column as the readers deliver it: when its
   * extracted type is one a cursor can have (values are converted to the cursor's type).
   */
  static boolean comparableAsExtracted(
      CursorWindow cursor, Normalizer normalizer, Schema extractSchema) {
    String sourceColumn = normalizer.sourceColumn(cursor.column());
    for (Field field : extractSchema.getFields()) {
      if (field.getName().equals(sourceColumn)) {
        try {
          CursorType.of(field);
          return true;
        } catch (TidewaterException e) {
          return false;
        }
      }
    }
    return false;
  }
}
