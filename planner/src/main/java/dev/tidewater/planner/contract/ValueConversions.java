package dev.tidewater.planner.contract;

import java.math.BigDecimal;
import java.math.RoundingMode;
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

/**
 * Converts one value (as {@link ValueCast#read} gives it) to a Java value of another SQL type, or
 * answers null when it cannot without loss: a number out of range or with digits the type cannot
 * hold, text that is not a number, date or timestamp in ISO form, a timestamp with nanoseconds.
 */
final class ValueConversions {
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

  private ValueConversions() {}

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
