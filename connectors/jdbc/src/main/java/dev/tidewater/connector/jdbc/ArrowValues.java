package dev.tidewater.connector.jdbc;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarCharVector;

/** Sets array elements, which drivers hand over as Java objects, into their vector. */
final class ArrowValues {
  private ArrowValues() {}

  static void set(FieldVector vector, int index, Object value) {
    if (value == null) {
      vector.setNull(index);
    } else if (vector instanceof IntVector ints) {
      ints.setSafe(index, ((Number) value).intValue());
    } else if (vector instanceof BigIntVector longs) {
      longs.setSafe(index, ((Number) value).longValue());
    } else if (vector instanceof Float4Vector floats) {
      floats.setSafe(index, ((Number) value).floatValue());
    } else if (vector instanceof Float8Vector doubles) {
      doubles.setSafe(index, ((Number) value).doubleValue());
    } else if (vector instanceof BitVector bits) {
      bits.setSafe(index, (Boolean) value ? 1 : 0);
    } else if (vector instanceof VarCharVector text) {
      String string =
          value instanceof BigDecimal decimal ? decimal.toPlainString() : value.toString();
      text.setSafe(index, string.getBytes(StandardCharsets.UTF_8));
    } else if (vector instanceof DateDayVector dates) {
      LocalDate date =
          value instanceof java.sql.Date sqlDate ? sqlDate.toLocalDate() : (LocalDate) value;
      dates.setSafe(index, Math.toIntExact(date.toEpochDay()));
    } else if (vector instanceof TimeStampMicroTZVector instants) {
      instants.setSafe(index, micros(instant(value)));
    } else if (vector instanceof TimeStampMicroVector timestamps) {
      LocalDateTime local =
          value instanceof Timestamp timestamp
              ? timestamp.toLocalDateTime()
              : (LocalDateTime) value;
      timestamps.setSafe(index, ValueWriter.micros(local));
    } else {
      throw new IllegalStateException("no array element conversion to " + vector.getField());
    }
  }

  private static Instant instant(Object value) {
    if (value instanceof Timestamp timestamp) {
      return timestamp.toInstant();
    }
    if (value instanceof OffsetDateTime offset) {
      return offset.toInstant();
    }
    return (Instant) value;
  }

  private static long micros(Instant instant) {
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
  }
}
