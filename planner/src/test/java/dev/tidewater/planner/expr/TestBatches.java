package dev.tidewater.planner.expr;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
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
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/** Builds small Arrow batches from Java values for the expression tests. */
final class TestBatches {
  private TestBatches() {}

  static Field bigint(String name) {
    return Field.nullable(name, new ArrowType.Int(64, true));
  }

  static Field integer(String name) {
    return Field.nullable(name, new ArrowType.Int(32, true));
  }

  static Field smallint(String name) {
    return Field.nullable(name, new ArrowType.Int(16, true));
  }

  static Field tinyint(String name) {
    return Field.nullable(name, new ArrowType.Int(8, true));
  }

  static Field float8(String name) {
    return Field.nullable(name, new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE));
  }

  static Field float4(String name) {
    return Field.nullable(name, new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE));
  }

  static Field decimal(String name, int precision, int scale) {
    return Field.nullable(name, new ArrowType.Decimal(precision, scale, 128));
  }

  static Field varchar(String name) {
    return Field.nullable(name, new ArrowType.Utf8());
  }

  static Field bool(String name) {
    return Field.nullable(name, new ArrowType.Bool());
  }

  static Field date(String name) {
    return Field.nullable(name, new ArrowType.Date(DateUnit.DAY));
  }

  static Field timestamp(String name) {
    return Field.nullable(name, new ArrowType.Timestamp(TimeUnit.MICROSECOND, null));
  }

  static Field timestampTz(String name) {
    return Field.nullable(name, new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"));
  }

  static Schema schema(Field... fields) {
    return new Schema(List.of(fields));
  }

  /** A batch whose row {@code i} holds {@code rows[i]}, one value (or null) per field. */
  static VectorSchemaRoot batch(BufferAllocator allocator, Schema schema, Object[]... rows) {
    VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
    root.allocateNew();
    for (int column = 0; column < schema.getFields().size(); column++) {
      FieldVector vector = root.getVector(column);
      for (int row = 0; row < rows.length; row++) {
        set(vector, row, rows[row][column]);
      }
      vector.setValueCount(rows.length);
    }
    root.setRowCount(rows.length);
    return root;
  }

  static void set(FieldVector vector, int row, Object value) {
    if (value == null) {
      vector.setNull(row);
      return;
    }
    if (vector instanceof BigIntVector v) {
      v.setSafe(row, ((Number) value).longValue());
    } else if (vector instanceof IntVector v) {
      v.setSafe(row, ((Number) value).intValue());
    } else if (vector instanceof SmallIntVector v) {
      v.setSafe(row, ((Number) value).shortValue());
    } else if (vector instanceof TinyIntVector v) {
      v.setSafe(row, ((Number) value).byteValue());
    } else if (vector instanceof Float8Vector v) {
      v.setSafe(row, ((Number) value).doubleValue());
    } else if (vector instanceof Float4Vector v) {
      v.setSafe(row, ((Number) value).floatValue());
    } else if (vector instanceof DecimalVector v) {
      BigDecimal decimal = value instanceof BigDecimal b ? b : new BigDecimal(value.toString());
      v.setSafe(row, decimal.setScale(v.getScale()));
    } else if (vector instanceof VarCharVector v) {
      v.setSafe(row, value.toString().getBytes(StandardCharsets.UTF_8));
    } else if (vector instanceof BitVector v) {
      v.setSafe(row, (Boolean) value ? 1 : 0);
    } else if (vector instanceof DateDayVector v) {
      v.setSafe(row, (int) ((LocalDate) value).toEpochDay());
    } else if (vector instanceof TimeStampVector v) {
      LocalDateTime time = (LocalDateTime) value;
      v.setSafe(
          row, ChronoUnit.MICROS.between(LocalDateTime.ofEpochSecond(0, 0, ZoneOffset.UTC), time));
    } else {
      throw new IllegalArgumentException("no setter for " + vector.getField());
    }
  }

  /** The result as a string of T, F and ? (UNKNOWN), one character per row. */
  static String outcomes(PredicateResult result) {
    StringBuilder text = new StringBuilder();
    for (int row = 0; row < result.rowCount(); row++) {
      text.append(result.isTrue(row) ? 'T' : result.isFalse(row) ? 'F' : '?');
    }
    return text.toString();
  }
}
