package dev.tidewater.planner.load;

import dev.tidewater.spi.TidewaterException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * The column types an incremental cursor may have, with how their values compare, print (in the
 * snapshot summary) and parse (from the summary and from INITIAL / BACKFILL literals). Values are
 * {@code Long} for integers, timestamps (microseconds) and dates (days), {@code BigDecimal}, {@code
 * Double} or {@code String}.
 */
public enum CursorType {
  BIGINT,
  DOUBLE,
  DECIMAL,
  DATE,
  TIMESTAMP,
  TIMESTAMP_WITH_ZONE,
  VARCHAR;

  /** The cursor type of a (normalized) column, or a user error naming the column. */
  public static CursorType of(Field field) {
    ArrowType type = field.getType();
    switch (type.getTypeID()) {
      case Int:
        return BIGINT;
      case FloatingPoint:
        if (((ArrowType.FloatingPoint) type).getPrecision() == FloatingPointPrecision.DOUBLE) {
          return DOUBLE;
        }
        break;
      case Decimal:
        return DECIMAL;
      case Date:
        return DATE;
      case Timestamp:
        ArrowType.Timestamp timestamp = (ArrowType.Timestamp) type;
        if (timestamp.getUnit() == TimeUnit.MICROSECOND) {
          return timestamp.getTimezone() == null ? TIMESTAMP : TIMESTAMP_WITH_ZONE;
        }
        break;
      case Utf8:
        return VARCHAR;
      default:
        break;
    }
    throw TidewaterException.user(
        "column '%s' of type %s cannot be an incremental cursor (use a number, date, timestamp"
            + " or string column)",
        field.getName(), type);
  }

  /** Parses a value as written in SQL or in a snapshot summary. */
  public Comparable<?> parse(String text) {
    String value = text.trim();
    try {
      return switch (this) {
        case BIGINT -> Long.parseLong(value);
        case DOUBLE -> Double.parseDouble(value);
        case DECIMAL -> new BigDecimal(value);
        case DATE -> LocalDate.parse(value).toEpochDay();
        case TIMESTAMP ->
            micros(LocalDateTime.parse(value.replace(' ', 'T')).toInstant(ZoneOffset.UTC));
        case TIMESTAMP_WITH_ZONE -> micros(instant(value));
        case VARCHAR -> text;
      };
    } catch (NumberFormatException | DateTimeParseException e) {
      throw TidewaterException.user("'%s' is not a %s cursor value", text, name());
    }
  }

  private static Instant instant(String value) {
    String iso = value.replace(' ', 'T');
    try {
      return OffsetDateTime.parse(iso).toInstant();
    } catch (DateTimeParseException e) {
      return LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC);
    }
  }

  private static long micros(Instant instant) {
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000L);
  }

  /** The text of a value, as stored in the snapshot summary. */
  public String format(Comparable<?> value) {
    return switch (this) {
      case BIGINT, DOUBLE, VARCHAR -> value.toString();
      case DECIMAL -> ((BigDecimal) value).toPlainString();
      case DATE -> LocalDate.ofEpochDay((Long) value).toString();
      case TIMESTAMP -> LocalDateTime.ofInstant(toInstant((Long) value), ZoneOffset.UTC).toString();
      case TIMESTAMP_WITH_ZONE -> toInstant((Long) value).toString();
    };
  }

  private static Instant toInstant(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }

  /** A value minus a lag: microseconds for timestamps, days for dates, units for numbers. */
  public Comparable<?> minus(Comparable<?> value, long lag) {
    return switch (this) {
      case BIGINT, DATE, TIMESTAMP, TIMESTAMP_WITH_ZONE -> (Long) value - lag;
      case DOUBLE -> (Double) value - lag;
      case DECIMAL -> ((BigDecimal) value).subtract(BigDecimal.valueOf(lag));
      case VARCHAR -> throw TidewaterException.user("LAG needs a number, date or timestamp cursor");
    };
  }

  /**
   * A value of cursor type {@code source} as a value of this type — e.g. a TIMESTAMP read from a
   * file for a TIMESTAMP WITH LOCAL TIME ZONE cursor (values without a zone are UTC), an integer
   * for a decimal cursor, ISO text for a timestamp cursor — or null when it has none.
   */
  Comparable<?> from(Comparable<?> value, CursorType source) {
    if (value == null || source == this) {
      return value;
    }
    if (source == VARCHAR) {
      try {
        return parse(value.toString());
      } catch (TidewaterException e) {
        return null;
      }
    }
    try {
      return switch (this) {
        case BIGINT -> source == DECIMAL ? ((BigDecimal) value).setScale(0).longValueExact() : null;
        case DOUBLE ->
            switch (source) {
              case BIGINT -> (double) (Long) value;
              case DECIMAL -> ((BigDecimal) value).doubleValue();
              default -> null;
            };
        case DECIMAL ->
            switch (source) {
              case BIGINT -> BigDecimal.valueOf((Long) value);
              case DOUBLE -> BigDecimal.valueOf((Double) value);
              default -> null;
            };
        case DATE -> null;
        case TIMESTAMP, TIMESTAMP_WITH_ZONE ->
            switch (source) {
              case TIMESTAMP, TIMESTAMP_WITH_ZONE -> value;
              case DATE -> Math.multiplyExact((Long) value, 86_400_000_000L);
              default -> null;
            };
        case VARCHAR -> source.format(value);
      };
    } catch (ArithmeticException e) {
      return null;
    }
  }

  /** Reads row {@code row} of a vector of this type; null for a null value. */
  Comparable<?> read(FieldVector vector, int row) {
    if (vector.isNull(row)) {
      return null;
    }
    if (vector instanceof BaseIntVector v) {
      return v.getValueAsLong(row);
    }
    if (vector instanceof Float8Vector v) {
      return v.get(row);
    }
    if (vector instanceof DecimalVector v) {
      return v.getObject(row);
    }
    if (vector instanceof DateDayVector v) {
      return (long) v.get(row);
    }
    if (vector instanceof TimeStampMicroVector v) {
      return v.get(row);
    }
    if (vector instanceof TimeStampMicroTZVector v) {
      return v.get(row);
    }
    if (vector instanceof VarCharVector v) {
      return v.getObject(row).toString();
    }
    throw TidewaterException.internal(null, "no cursor reader for %s", vector.getField());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static int compare(Comparable<?> left, Comparable<?> right) {
    return ((Comparable) left).compareTo(right);
  }
}
