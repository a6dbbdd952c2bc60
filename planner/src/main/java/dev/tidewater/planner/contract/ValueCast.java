package dev.tidewater.planner.contract;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.function.IntConsumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Converts a column's values to a contract column's type value by value, refusing every conversion
 * that loses data ({@link ValueConversions} converts each value), and text longer than VARCHAR(n).
 * Timestamps with and without a time zone convert through UTC.
 */
final class ValueCast {
  private final Field output;
  private final int maxLength;

  /** A cast into vectors of field {@code output}; {@code maxLength} limits text (-1: no limit). */
  ValueCast(Field output, int maxLength) {
    this.output = output;
    this.maxLength = maxLength;
  }

  /**
   * Casts the first {@code rows} values of {@code from} into a new vector. A value that cannot be
   * cast without loss is left null in the result and its row passed to {@code failed}.
   */
  FieldVector apply(FieldVector from, int rows, BufferAllocator allocator, IntConsumer failed) {
    FieldVector to = output.createVector(allocator);
    try {
      to.setInitialCapacity(Math.max(rows, 1));
      to.allocateNew();
      if (from instanceof BaseIntVector integers && to instanceof BaseIntVector target) {
        castIntegers(integers, target, rows, failed);
      } else {
        Writer writer = writer(to);
        for (int row = 0; row < rows; row++) {
          if (from.isNull(row)) {
            to.setNull(row);
          } else if (!writer.write(read(from, row), row)) {
            to.setNull(row);
            failed.accept(row);
          }
        }
      }
      to.setValueCount(rows);
      return to;
    } catch (RuntimeException e) {
      to.close();
      throw e;
    }
  }

  private static void castIntegers(
      BaseIntVector from, BaseIntVector to, int rows, IntConsumer failed) {
    int bits = ((ArrowType.Int) ((FieldVector) to).getField().getType()).getBitWidth();
    long min = bits == 64 ? Long.MIN_VALUE : -(1L << (bits - 1));
    long max = bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
    FieldVector source = (FieldVector) from;
    FieldVector target = (FieldVector) to;
    for (int row = 0; row < rows; row++) {
      if (source.isNull(row)) {
        target.setNull(row);
        continue;
      }
      long value = from.getValueAsLong(row);
      if (value < min || value > max) {
        target.setNull(row);
        failed.accept(row);
      } else {
        to.setWithPossibleTruncate(row, value);
      }
    }
  }

  /**
   * A non-null value as one of Long, Float, Double, BigDecimal, String, Boolean, LocalDate,
   * LocalDateTime (timestamps without a zone) or Instant (timestamps with one).
   */
  static Object read(FieldVector vector, int row) {
    if (vector instanceof BaseIntVector integers) {
      return integers.getValueAsLong(row);
    }
    if (vector instanceof Float4Vector floats) {
      return floats.get(row);
    }
    if (vector instanceof Float8Vector doubles) {
      return doubles.get(row);
    }
    if (vector instanceof VarCharVector text) {
      return new String(text.get(row), StandardCharsets.UTF_8);
    }
    if (vector instanceof LargeVarCharVector text) {
      return new String(text.get(row), StandardCharsets.UTF_8);
    }
    if (vector instanceof BitVector bits) {
      return bits.get(row) != 0;
    }
    if (vector instanceof DateDayVector days) {
      return LocalDate.ofEpochDay(days.get(row));
    }
    if (vector instanceof TimeStampVector timestamps) {
      ArrowType.Timestamp type = (ArrowType.Timestamp) vector.getField().getType();
      Instant instant = instant(timestamps.get(row), type.getUnit());
      return type.getTimezone() == null
          ? LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC)
          : instant;
    }
    Object value = vector.getObject(row);
    if (value instanceof BigDecimal || value instanceof LocalDateTime) {
      return value; // decimals; DateMilliVector's dates
    }
    return String.valueOf(value);
  }

  private static Instant instant(long value, TimeUnit unit) {
    return switch (unit) {
      case SECOND -> Instant.ofEpochSecond(value);
      case MILLISECOND -> Instant.ofEpochMilli(value);
      case MICROSECOND ->
          Instant.ofEpochSecond(
              Math.floorDiv(value, 1_000_000L), Math.floorMod(value, 1_000_000L) * 1_000L);
      case NANOSECOND ->
          Instant.ofEpochSecond(
              Math.floorDiv(value, 1_000_000_000L), Math.floorMod(value, 1_000_000_000L));
    };
  }

  /** Writes a value into row {@code row}; false when it cannot without loss. */
  private interface Writer {
    boolean write(Object value, int row);
  }

  private Writer writer(FieldVector to) {
    ArrowType type = to.getField().getType();
    return switch (type.getTypeID()) {
      case Int -> {
        int bits = ((ArrowType.Int) type).getBitWidth();
        long min = bits == 64 ? Long.MIN_VALUE : -(1L << (bits - 1));
        long max = bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
        BaseIntVector integers = (BaseIntVector) to;
        yield (value, row) -> {
          Long number = ValueConversions.toLong(value);
          if (number == null || number < min || number > max) {
            return false;
          }
          integers.setWithPossibleTruncate(row, number);
          return true;
        };
      }
      case FloatingPoint -> {
        if (to instanceof Float8Vector doubles) {
          yield (value, row) -> {
            Double number = ValueConversions.toDouble(value);
            if (number == null) {
              return false;
            }
            doubles.setSafe(row, number);
            return true;
          };
        }
        Float4Vector floats = (Float4Vector) to;
        yield (value, row) -> {
          Float number = ValueConversions.toFloat(value);
          if (number == null) {
            return false;
          }
          floats.setSafe(row, number);
          return true;
        };
      }
      case Decimal -> {
        ArrowType.Decimal decimal = (ArrowType.Decimal) type;
        DecimalVector decimals = (DecimalVector) to;
        yield (value, row) -> {
          BigDecimal number =
              ValueConversions.toDecimal(value, decimal.getPrecision(), decimal.getScale());
          if (number == null) {
            return false;
          }
          decimals.setSafe(row, number);
          return true;
        };
      }
      case Utf8 -> {
        VarCharVector text = (VarCharVector) to;
        yield (value, row) -> {
          String string = ValueConversions.toText(value);
          if (maxLength >= 0 && string.codePointCount(0, string.length()) > maxLength) {
            return false;
          }
          text.setSafe(row, string.getBytes(StandardCharsets.UTF_8));
          return true;
        };
      }
      case Bool -> {
        BitVector bits = (BitVector) to;
        yield (value, row) -> {
          Boolean bool = ValueConversions.toBoolean(value);
          if (bool == null) {
            return false;
          }
          bits.setSafe(row, bool ? 1 : 0);
          return true;
        };
      }
      case Date -> {
        DateDayVector days = (DateDayVector) to;
        yield (value, row) -> {
          LocalDate date = ValueConversions.toDate(value);
          if (date == null) {
            return false;
          }
          days.setSafe(row, Math.toIntExact(date.toEpochDay()));
          return true;
        };
      }
      case Timestamp -> {
        TimeStampVector timestamps = (TimeStampVector) to;
        yield (value, row) -> {
          Long micros = ValueConversions.toMicros(value);
          if (micros == null) {
            return false;
          }
          timestamps.setSafe(row, micros);
          return true;
        };
      }
      default ->
          throw new IllegalArgumentException("no cast to " + type + " for " + output.getName());
    };
  }
}
