package dev.tidewater.planner.query;

import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.calcite.avatica.util.ByteString;

/** Reads Arrow values in Calcite's internal representation (dates as days, timestamps as ms). */
final class ArrowValues {
  private ArrowValues() {}

  /** A reader of one column's values. */
  interface Getter {
    Object get(int row);
  }

  static Getter getter(FieldVector vector) {
    if (vector instanceof BigIntVector v) {
      return row -> v.isNull(row) ? null : v.get(row);
    }
    if (vector instanceof IntVector v) {
      return row -> v.isNull(row) ? null : v.get(row);
    }
    if (vector instanceof SmallIntVector v) {
      return row -> v.isNull(row) ? null : v.get(row);
    }
    if (vector instanceof TinyIntVector v) {
      return row -> v.isNull(row) ? null : v.get(row);
    }
    if (vector instanceof Float8Vector v) {
      return row -> v.isNull(row) ? null : v.get(row);
    }
    if (vector instanceof Float4Vector v) {
      return row -> v.isNull(row) ? null : v.get(row);
    }
    if (vector instanceof DecimalVector v) {
      return row -> v.isNull(row) ? null : v.getObject(row);
    }
    if (vector instanceof VarCharVector v) {
      return row -> v.isNull(row) ? null : v.getObject(row).toString();
    }
    if (vector instanceof BitVector v) {
      return row -> v.isNull(row) ? null : v.get(row) != 0;
    }
    if (vector instanceof DateDayVector v) {
      return row -> v.isNull(row) ? null : v.get(row);
    }
    if (vector instanceof TimeStampVector v) {
      TimeUnit unit = ((ArrowType.Timestamp) v.getField().getType()).getUnit();
      if (unit == TimeUnit.SECOND) {
        return row -> v.isNull(row) ? null : v.get(row) * 1_000;
      }
      long divisor = millisDivisor(unit);
      return row -> v.isNull(row) ? null : Math.floorDiv(v.get(row), divisor);
    }
    if (vector instanceof VarBinaryVector v) {
      return row -> v.isNull(row) ? null : new ByteString(v.get(row));
    }
    // Structs, lists and maps: their JSON text.
    return row -> vector.isNull(row) ? null : String.valueOf(vector.getObject(row));
  }

  private static long millisDivisor(TimeUnit unit) {
    return switch (unit) {
      case SECOND, MILLISECOND -> 1;
      case MICROSECOND -> 1_000;
      case NANOSECOND -> 1_000_000;
    };
  }
}
