package dev.tidewater.planner.query;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSetMetaData;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.adapter.jdbc.JdbcFieldInfo;
import org.apache.arrow.adapter.jdbc.JdbcToArrowUtils;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.avatica.util.ByteString;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The Arrow columns of a query's result as the JDBC path makes them (Calcite's result set metadata
 * through Arrow's JDBC adapter), so that a vectorized query answers the same schema and the same
 * values: timestamps in milliseconds, decimals at the column's scale.
 */
final class ResultColumns {
  private ResultColumns() {}

  /** The Arrow schema of a row type, or null when a column has a type this path does not write. */
  static Schema schema(RelDataType rowType) {
    List<Field> fields = new ArrayList<>();
    for (RelDataTypeField field : rowType.getFieldList()) {
      ArrowType type = arrowType(field.getType());
      if (type == null) {
        return null;
      }
      fields.add(
          new Field(
              field.getName(), new FieldType(field.getType().isNullable(), type, null), null));
    }
    return new Schema(fields);
  }

  private static ArrowType arrowType(RelDataType type) {
    SqlTypeName name = type.getSqlTypeName();
    switch (name) {
      case TINYINT,
          SMALLINT,
          INTEGER,
          BIGINT,
          REAL,
          FLOAT,
          DOUBLE,
          DECIMAL,
          CHAR,
          VARCHAR,
          BOOLEAN,
          DATE,
          TIMESTAMP,
          BINARY,
          VARBINARY -> {}
      default -> {
        return null;
      }
    }
    int precision = name.allowsPrec() ? Math.max(type.getPrecision(), 0) : 0;
    int scale = name.allowsScale() ? Math.max(type.getScale(), 0) : 0;
    ArrowType arrow =
        JdbcToArrowUtils.getArrowTypeFromJdbcType(
            new JdbcFieldInfo(
                name.getJdbcOrdinal(),
                type.isNullable()
                    ? ResultSetMetaData.columnNullable
                    : ResultSetMetaData.columnNoNulls,
                precision,
                scale),
            null);
    return supported(arrow) ? arrow : null;
  }

  private static boolean supported(ArrowType type) {
    return switch (type.getTypeID()) {
      case Int, FloatingPoint, Utf8, Bool, Binary -> true;
      case Decimal -> ((ArrowType.Decimal) type).getBitWidth() == 128;
      case Date -> ((ArrowType.Date) type).getUnit() == org.apache.arrow.vector.types.DateUnit.DAY;
      case Timestamp -> {
        ArrowType.Timestamp stamp = (ArrowType.Timestamp) type;
        yield stamp.getUnit() == TimeUnit.MILLISECOND && stamp.getTimezone() == null;
      }
      default -> false;
    };
  }

  /**
   * Sets {@code vector[index]} to {@code value} in Calcite's internal representation (dates as
   * days, timestamps as milliseconds, binary as {@link ByteString}); null sets null.
   */
  static void set(FieldVector vector, int index, Object value) {
    if (value == null) {
      if (vector instanceof org.apache.arrow.vector.BaseFixedWidthVector fixed) {
        fixed.setNull(index);
      } else {
        ((org.apache.arrow.vector.BaseVariableWidthVector) vector).setNull(index);
      }
      return;
    }
    if (vector instanceof BigIntVector v) {
      v.setSafe(index, ((Number) value).longValue());
    } else if (vector instanceof IntVector v) {
      v.setSafe(index, ((Number) value).intValue());
    } else if (vector instanceof SmallIntVector v) {
      v.setSafe(index, ((Number) value).shortValue());
    } else if (vector instanceof TinyIntVector v) {
      v.setSafe(index, ((Number) value).byteValue());
    } else if (vector instanceof Float8Vector v) {
      v.setSafe(index, ((Number) value).doubleValue());
    } else if (vector instanceof Float4Vector v) {
      v.setSafe(index, ((Number) value).floatValue());
    } else if (vector instanceof DecimalVector v) {
      BigDecimal decimal =
          value instanceof BigDecimal d ? d : BigDecimal.valueOf(((Number) value).longValue());
      v.setSafe(index, decimal.setScale(v.getScale(), RoundingMode.HALF_UP));
    } else if (vector instanceof VarCharVector v) {
      v.setSafe(index, value.toString().getBytes(StandardCharsets.UTF_8));
    } else if (vector instanceof BitVector v) {
      v.setSafe(index, (Boolean) value ? 1 : 0);
    } else if (vector instanceof DateDayVector v) {
      v.setSafe(index, ((Number) value).intValue());
    } else if (vector instanceof TimeStampMilliVector v) {
      v.setSafe(index, ((Number) value).longValue());
    } else if (vector instanceof VarBinaryVector v) {
      v.setSafe(index, ((ByteString) value).getBytes());
    } else {
      throw new IllegalStateException("no writer for " + vector.getField());
    }
  }

  /** Copies one value of a scanned column into a result column of the same meaning. */
  interface Copier {
    void copy(int fromRow, int toRow);
  }

  /**
   * A copier from a scanned vector into a result vector, or null when the scanned type does not
   * become the result type by one of the JDBC path's conversions.
   */
  static Copier copier(FieldVector from, FieldVector to) {
    ArrowType source = from.getField().getType();
    ArrowType target = to.getField().getType();
    if (source.equals(target)) {
      return (fromRow, toRow) -> to.copyFromSafe(fromRow, toRow, from);
    }
    if (from instanceof TimeStampVector stamp
        && to instanceof TimeStampMilliVector millis
        && ((ArrowType.Timestamp) source).getUnit() == TimeUnit.MICROSECOND) {
      return (fromRow, toRow) -> {
        if (stamp.isNull(fromRow)) {
          millis.setNull(toRow);
        } else {
          millis.setSafe(toRow, Math.floorDiv(stamp.get(fromRow), 1_000L));
        }
      };
    }
    if (from instanceof FixedSizeBinaryVector fixed && to instanceof VarBinaryVector binary) {
      return (fromRow, toRow) -> {
        if (fixed.isNull(fromRow)) {
          binary.setNull(toRow);
        } else {
          binary.setSafe(toRow, fixed.get(fromRow));
        }
      };
    }
    return null;
  }

  /** Whether {@link #copier} converts a scanned column of type {@code from} into {@code to}. */
  static boolean converts(ArrowType from, ArrowType to) {
    return from.equals(to)
        || from instanceof ArrowType.Timestamp stamp
            && stamp.getUnit() == TimeUnit.MICROSECOND
            && to instanceof ArrowType.Timestamp
        || from instanceof ArrowType.FixedSizeBinary && to instanceof ArrowType.Binary;
  }

  /** Whether a whole scanned vector can be moved into the result column unchanged. */
  static boolean sameType(Field scanned, Field result) {
    return scanned.getType().equals(result.getType());
  }
}
