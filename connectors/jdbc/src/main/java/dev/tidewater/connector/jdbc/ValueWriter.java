package dev.tidewater.connector.jdbc;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.ListVector;

/**
 * Copies one column of the current result set row into its vector, with a conversion chosen once
 * per column (no per-value type dispatch on the hot path).
 */
abstract class ValueWriter {
  final int index;

  ValueWriter(int index) {
    this.index = index;
  }

  /** Copies column {@link #index} of the current row into row {@code row} of the vector. */
  abstract void write(ResultSet rows, int row) throws SQLException;

  static ValueWriter of(JdbcColumn column, FieldVector vector, int index) {
    return switch (column.kind()) {
      case INT -> new IntWriter(index, (IntVector) vector);
      case LONG -> new LongWriter(index, (BigIntVector) vector);
      case FLOAT -> new FloatWriter(index, (Float4Vector) vector);
      case DOUBLE -> new DoubleWriter(index, (Float8Vector) vector);
      case DECIMAL -> new DecimalWriter(index, (DecimalVector) vector);
      case DECIMAL_TEXT -> new DecimalTextWriter(index, (VarCharVector) vector);
      case BOOLEAN -> new BooleanWriter(index, (BitVector) vector);
      case TEXT -> new TextWriter(index, (VarCharVector) vector);
      case DATE -> new DateWriter(index, (DateDayVector) vector);
      case TIME -> new TimeWriter(index, (TimeMicroVector) vector);
      case TIMESTAMP -> new TimestampWriter(index, (TimeStampMicroVector) vector);
      case TIMESTAMP_TZ -> new TimestampTzWriter(index, (TimeStampMicroTZVector) vector);
      case BINARY -> new BinaryWriter(index, (VarBinaryVector) vector);
      case ARRAY -> new ArrayWriter(index, (ListVector) vector);
    };
  }

  static long micros(LocalDateTime value) {
    return Math.addExact(
        Math.multiplyExact(value.toEpochSecond(ZoneOffset.UTC), 1_000_000L),
        value.getNano() / 1000);
  }

  static long micros(OffsetDateTime value) {
    return Math.addExact(
        Math.multiplyExact(value.toEpochSecond(), 1_000_000L), value.getNano() / 1000);
  }

  private static final class IntWriter extends ValueWriter {
    private final IntVector vector;

    IntWriter(int index, IntVector vector) {
      super(index);
      this.vector = vector;
    }

    @Override
    void write(ResultSet rows, int row) throws SQLException {
      int value = rows.getInt(index);
      if (rows.wasNull()) {
        vector.setNull(row);
      } else {
        vector.setSafe(row, value);
      }
    }
  }

  private static final class LongWriter extends ValueWriter {
    private final BigIntVector vector;

    LongWriter(int index, BigIntVector vector) {
      super(index);
      this.vector = vector;
    }

    @Override
    void write(ResultSet rows, int row) throws SQLException {
      long value = rows.getLong(index);
      if (rows.wasNull()) {
        vector.setNull(row);
      } else {
        vector.setSafe(row, value);
      }
    }
  }

  private static final class FloatWriter extends ValueWriter {
    private final Float4Vector vector;

    FloatWriter(int index, Float4Vector vector) {
      super(index);
      this.vector = vector;
    }

    @Override
    void write(ResultSet rows, int row) throws SQLException {
      float value = rows.getFloat(index);
      if (rows.wasNull()) {
        vector.setNull(row);
      } else {
        vector.setSafe(row, value);
      }
    }
  }

  private static final class DoubleWriter extends ValueWriter {
    private final Float8Vector vector;

    DoubleWriter(int index, Float8Vector vector) {
      super(index);
      this.vector = vector;
    }

    @Override
    void write(ResultSet rows, int row) throws SQLException {
      double value = rows.getDouble(index);
      if (rows.wasNull()) {
        vector.setNull(row);
      } else {
        vector.setSafe(row, value);
      }
    }
  }

  private static final class DecimalWriter extends ValueWriter {
    private final DecimalVector vector;
    private final int scale;

    DecimalWriter(int index, DecimalVector vector) {
      super(index);
      this.vector = vector;
      this.scale = vector.getScale();
    }

    @Override
    void write(ResultSet rows, int row) throws SQLException {
      BigDecimal value = rows.getBigDecimal(index);
      if (value == null) {
        vector.setNull(row);
      } else {
        // The column's scale holds every value exactly; UNNECESSARY fails loudly if not.
        vector.setSafe(row, value.setScale(scale, RoundingMode.UNNECESSARY));
      }
    }
  }

  private static final class DecimalTextWriter extends ValueWriter {
    private final VarCharVector vector;

    DecimalTextWriter(int index, VarCharVector vector) {
      super(index);
      this.vector = vector;
    }

    @Override
    void write(ResultSet rows, int row) throws SQLException {
      BigDecimal value;
      try {
        value = rows.getBigDecimal(index);
      } catch (SQLException e) {
        // NaN and infinities of PostgreSQL's NUMERIC, money with a currency sign.
        String text = rows.getString(index);
        if (text == null) {
          vector.setNull(row);
        } else {
          vector.setSafe(row, text.getBytes(StandardCharsets.UTF_8));
        }
        return;
      }
      if (value == null) {
        vector.setNull(row);
      } else {
        vector.setSafe(row, value.toPlainString().getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  private static final class BooleanWriter extends ValueWriter {
    private final BitVector vector;

    BooleanWriter(int index, BitVector vector) {
      super(index);
      this.vector = vector;
    }

    @Override
    void write(ResultSet rows, int row) throws SQLException {
      boolean value = rows.getBoolean(index);
      if (rows.wasNull()) {
        vector.setNull(row);
      } else {
        vector.setSafe(row, value ? 1 : 0);
      }
    }
  }

  private static final class TextWriter extends ValueWriter {
    private final VarCharVector vector;

    TextWriter(int index, VarCharVector vector) {
      super(index);
      this.vector = vector;
    }

    @Override
    void write(ResultSet rows, int row) throws SQLException {
      String value = rows.getString(index);
      if (value == null) {
        vector.setNull(row);
      } else {
        vector.setSafe(row, value.getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  private static final class DateWriter extends ValueWriter {
    private final DateDayVector vector;

    DateWriter(int index, DateDayVector vector) {
      super(index);
      this.vector = vector;
    }

    @Override
    void write(ResultSet rows, int row) throws SQLException {
      LocalDate value = rows.getObject(index, LocalDate.class);
      if (value == null) {
        vector.setNull(row);
      } else {
        vector.setSafe(row, Math.toIntExact(value.toEpochDay()));
      }
    }
  }

  private static final class TimeWriter extends ValueWriter {
    private final TimeMicroVector vector;

    TimeWriter(int index, TimeMicroVector vector) {
      super(index);
      this.vector = vector;
    }

    @Override
    void write(ResultSet rows, int row) throws SQLException {
      LocalTime value = rows.getObject(index, LocalTime.class);
      if (value == null) {
        vector.setNull(row);
      } else {
        vector.setSafe(row, value.toNanoOfDay() / 1000);
      }
    }
  }

  private static final class TimestampWriter extends ValueWriter {
    private final TimeStampMicroVector vector;

    TimestampWriter(int index, TimeStampMicroVector vector) {
      super(index);
      this.vector = vector;
    }

    @Override
    void write(ResultSet rows, int row) throws SQLException {
      LocalDateTime value = rows.getObject(index, LocalDateTime.class);
      if (value == null) {
        vector.setNull(row);
      } else {
        vector.setSafe(row, micros(value));
      }
    }
  }

  private static final class TimestampTzWriter extends ValueWriter {
    private final TimeStampMicroTZVector vector;

    TimestampTzWriter(int index, TimeStampMicroTZVector vector) {
      super(index);
      this.vector = vector;
    }

    @Override
    void write(ResultSet rows, int row) throws SQLException {
      OffsetDateTime value = rows.getObject(index, OffsetDateTime.class);
      if (value == null) {
        vector.setNull(row);
      } else {
        vector.setSafe(row, micros(value));
      }
    }
  }

  private static final class BinaryWriter extends ValueWriter {
    private final VarBinaryVector vector;

    BinaryWriter(int index, VarBinaryVector vector) {
      super(index);
      this.vector = vector;
    }

    @Override
    void write(ResultSet rows, int row) throws SQLException {
      byte[] value = rows.getBytes(index);
      if (value == null) {
        vector.setNull(row);
      } else {
        vector.setSafe(row, value);
      }
    }
  }

  /** Arrays (PostgreSQL, DuckDB) as lists; elements are converted as the element type says. */
  private static final class ArrayWriter extends ValueWriter {
    private final ListVector vector;
    private final FieldVector elements;

    ArrayWriter(int index, ListVector vector) {
      super(index);
      this.vector = vector;
      this.elements = vector.getDataVector();
    }

    @Override
    void write(ResultSet rows, int row) throws SQLException {
      Array array = rows.getArray(index);
      if (array == null) {
        vector.setNull(row);
        return;
      }
      Object[] values;
      try {
        values = (Object[]) array.getArray();
      } finally {
        array.free();
      }
      int start = vector.startNewValue(row);
      for (int i = 0; i < values.length; i++) {
        ArrowValues.set(elements, start + i, values[i]);
      }
      vector.endValue(row, values.length);
    }
  }
}
