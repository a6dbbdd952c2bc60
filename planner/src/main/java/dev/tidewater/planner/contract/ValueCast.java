package dev.tidewater.planner.contract;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;
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
 * that loses data: a number out of range or with digits the type cannot hold, text that is not a
 * number, date or timestamp in ISO form, a timestamp with nanoseconds, text longer than VARCHAR(n).
 * Timestamps with and without a time zone convert through UTC.
 */
final class ValueCast {
  private static final double TWO_POW_63 = 0x1p63;
  private static final DateTimeFormatter TEMPORAL =
      new DateTimeFormatterBuilder()
          .parseCaseInsensitive()
          .append(DateTimeFormatter.ISO_LOCAL_DATE)
          .optionalStart()
          .appendLiteral('T')
          .append(DateTimeFormatter.ISO_LOCAL_TIME)
          .optionalStart()
          .appendOffset("+HH:MM:ss", "Z")
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HHmm", "Z")
          .optionalEnd()
          .optionalEnd()
          .toFormatter(Locale.ROOT)
          .withResolverStyle(ResolverStyle.STRICT);

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
          Long number = toLong(value);
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
            Double number = toDouble(value);
            if (number == null) {
              return false;
            }
            doubles.setSafe(row, number);
            return true;
          };
        }
        Float4Vector floats = (Float4Vector) to;
        yield (value, row) -> {
          Float number = toFloat(value);
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
          BigDecimal number = toDecimal(value, decimal.getPrecision(), decimal.getScale());
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
          String string = toText(value);
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
          Boolean bool = toBoolean(value);
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
          LocalDate date = toDate(value);
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
          Long micros = toMicros(value);
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

  static Long toLong(Object value) {
    if (value instanceof Long number) {
      return number;
    }
    if (value instanceof Float number) {
      return integral(number.doubleValue());
    }
    if (value instanceof Double number) {
      return integral(number);
    }
    if (value instanceof BigDecimal number) {
      return longExact(number);
    }
    if (value instanceof String text) {
      String trimmed = text.strip();
      try {
        return Long.parseLong(trimmed);
      } catch (NumberFormatException e) {
        BigDecimal number = parseDecimal(trimmed);
        return number == null ? null : longExact(number);
      }
    }
    if (value instanceof Boolean bool) {
      return bool ? 1L : 0L;
    }
    return null;
  }

  private static Long integral(double value) {
    if (value != Math.rint(value) || value >= TWO_POW_63 || value < -TWO_POW_63) {
      return null; // also NaN and infinities
    }
    return (long) value;
  }

  private static Long longExact(BigDecimal number) {
    try {
      return number.longValueExact();
    } catch (ArithmeticException e) {
      return null;
    }
  }

  static Double toDouble(Object value) {
    if (value instanceof Long number) {
      double converted = number;
      return converted < TWO_POW_63 && (long) converted == number ? converted : null;
    }
    if (value instanceof Float number) {
      return number.doubleValue();
    }
    if (value instanceof Double number) {
      return number;
    }
    if (value instanceof BigDecimal number) {
      double converted = number.doubleValue();
      return Double.isFinite(converted) && BigDecimal.valueOf(converted).compareTo(number) == 0
          ? converted
          : null;
    }
    if (value instanceof String text) {
      try {
        double converted = Double.parseDouble(text.strip());
        return overflowed(converted, text) ? null : converted;
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  static Float toFloat(Object value) {
    if (value instanceof Long number) {
      float converted = number;
      return converted < TWO_POW_63 && (long) converted == number ? converted : null;
    }
    if (value instanceof Float number) {
      return number;
    }
    if (value instanceof Double number) {
      float converted = number.floatValue();
      // 0.1 as a double is the float 0.1 as a person reads it, though not bit for bit
      return (double) converted == number
              || Double.isNaN(number)
              || Double.toString(number).equals(Float.toString(converted))
          ? converted
          : null;
    }
    if (value instanceof BigDecimal number) {
      float converted = number.floatValue();
      return Float.isFinite(converted)
              && new BigDecimal(Float.toString(converted)).compareTo(number) == 0
          ? converted
          : null;
    }
    if (value instanceof String text) {
      try {
        float converted = Float.parseFloat(text.strip());
        return overflowed(converted, text) ? null : converted;
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  /** An infinity parsed from text that does not say infinity. */
  private static boolean overflowed(double parsed, String text) {
    return Double.isInfinite(parsed) && !text.toLowerCase(Locale.ROOT).contains("inf");
  }

  static BigDecimal toDecimal(Object value, int precision, int scale) {
    BigDecimal number;
    if (value instanceof Long integer) {
      number = BigDecimal.valueOf(integer);
    } else if (value instanceof Float real) {
      number = Float.isFinite(real) ? new BigDecimal(Float.toString(real)) : null;
    } else if (value instanceof Double real) {
      number = Double.isFinite(real) ? BigDecimal.valueOf(real) : null;
    } else if (value instanceof BigDecimal decimal) {
      number = decimal;
    } else if (value instanceof String text) {
      number = parseDecimal(text.strip());
    } else {
      number = null;
    }
    if (number == null) {
      return null;
    }
    try {
      BigDecimal scaled = number.setScale(scale, RoundingMode.UNNECESSARY);
      return scaled.precision() - (scaled.signum() == 0 ? 1 : 0) <= precision ? scaled : null;
    } catch (ArithmeticException e) {
      return null; // digits beyond the scale
    }
  }

  private static BigDecimal parseDecimal(String text) {
    try {
      return new BigDecimal(text);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static String toText(Object value) {
    if (value instanceof BigDecimal number) {
      return number.toPlainString();
    }
    return value.toString(); // ISO text for dates and timestamps
  }

  static Boolean toBoolean(Object value) {
    if (value instanceof Boolean bool) {
      return bool;
    }
    if (value instanceof Long number) {
      return number == 0 ? Boolean.FALSE : number == 1 ? Boolean.TRUE : null;
    }
    if (value instanceof BigDecimal number) {
      return toBoolean(longExact(number));
    }
    if (value instanceof String text) {
      return switch (text.strip().toLowerCase(Locale.ROOT)) {
        case "true", "t", "yes", "y", "1" -> Boolean.TRUE;
        case "false", "f", "no", "n", "0" -> Boolean.FALSE;
        default -> null;
      };
    }
    return null;
  }

  static LocalDate toDate(Object value) {
    Object temporal = value instanceof String text ? parseTemporal(text) : value;
    if (temporal instanceof LocalDate date) {
      return date;
    }
    if (temporal instanceof Instant instant) {
      temporal = LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
    if (temporal instanceof LocalDateTime dateTime
        && dateTime.toLocalTime().equals(LocalTime.MIDNIGHT)) {
      return dateTime.toLocalDate();
    }
    return null;
  }

  static Long toMicros(Object value) {
    Object temporal = value instanceof String text ? parseTemporal(text) : value;
    long seconds;
    int nanos;
    if (temporal instanceof LocalDate date) {
      seconds = date.toEpochSecond(LocalTime.MIDNIGHT, ZoneOffset.UTC);
      nanos = 0;
    } else if (temporal instanceof LocalDateTime dateTime) {
      seconds = dateTime.toEpochSecond(ZoneOffset.UTC);
      nanos = dateTime.getNano();
    } else if (temporal instanceof Instant instant) {
      seconds = instant.getEpochSecond();
      nanos = instant.getNano();
    } else {
      return null;
    }
    if (nanos % 1_000 != 0) {
      return null; // nanoseconds would be lost
    }
    try {
      return Math.addExact(Math.multiplyExact(seconds, 1_000_000L), nanos / 1_000);
    } catch (ArithmeticException e) {
      return null;
    }
  }

  /** ISO text as LocalDate, LocalDateTime or (with an offset) Instant; null if it is none. */
  static Object parseTemporal(String text) {
    String trimmed = text.strip();
    if (trimmed.length() > 10 && trimmed.charAt(10) == ' ') {
      trimmed = trimmed.substring(0, 10) + 'T' + trimmed.substring(11);
    }
    try {
      TemporalAccessor parsed =
          TEMPORAL.parseBest(trimmed, OffsetDateTime::from, LocalDateTime::from, LocalDate::from);
      return parsed instanceof OffsetDateTime offset ? offset.toInstant() : parsed;
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
