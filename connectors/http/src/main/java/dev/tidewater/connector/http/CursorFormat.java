package dev.tidewater.connector.http;

import static java.util.Objects.requireNonNull;

import dev.tidewater.spi.TidewaterException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * How the incremental cursor is written into the {@code cursor_param} query parameter ({@code
 * cursor_format} option): {@code iso} (ISO-8601, the default), {@code epoch_seconds}, {@code
 * epoch_millis}, or a {@link DateTimeFormatter} pattern applied in UTC. Numbers and strings are
 * sent as they are, whatever the format.
 *
 * <p>The value comes as the planner hands it over in an {@code ExtractRequest} predicate: a {@code
 * Long} of microseconds since the epoch for a timestamp column, of days for a date column, else the
 * value itself.
 */
record CursorFormat(String name, DateTimeFormatter pattern) {
  static final String ISO = "iso";
  static final String EPOCH_SECONDS = "epoch_seconds";
  static final String EPOCH_MILLIS = "epoch_millis";

  CursorFormat {
    requireNonNull(name, "name is null");
  }

  static CursorFormat parse(String text) {
    String name = text.trim();
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.equals(ISO) || lower.equals(EPOCH_SECONDS) || lower.equals(EPOCH_MILLIS)) {
      return new CursorFormat(lower, null);
    }
    try {
      return new CursorFormat(name, DateTimeFormatter.ofPattern(name, Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw TidewaterException.user(
          "option 'cursor_format' must be iso, epoch_seconds, epoch_millis or a date-time pattern"
              + " such as 'yyyy-MM-dd''T''HH:mm:ssX', not '%s': %s",
          text, e.getMessage());
    }
  }

  /** The text of cursor value {@code value} of a column of type {@code type}. */
  String format(Object value, ArrowType type) {
    if (value instanceof Long number && type instanceof ArrowType.Timestamp timestamp) {
      Instant instant =
          Instant.ofEpochSecond(
              Math.floorDiv(number, 1_000_000L), Math.floorMod(number, 1_000_000L) * 1_000L);
      return formatInstant(instant, timestamp.getTimezone() != null);
    }
    if (value instanceof Long days && type instanceof ArrowType.Date) {
      LocalDate date = LocalDate.ofEpochDay(days);
      if (name.equals(ISO)) {
        return date.toString();
      }
      return formatInstant(date.atStartOfDay(ZoneOffset.UTC).toInstant(), false);
    }
    if (value instanceof BigDecimal decimal) {
      return decimal.toPlainString();
    }
    return value.toString();
  }

  private String formatInstant(Instant instant, boolean zoned) {
    switch (name) {
      case ISO:
        return zoned
            ? instant.toString()
            : LocalDateTime.ofInstant(instant, ZoneOffset.UTC).toString();
      case EPOCH_SECONDS:
        return Long.toString(instant.getEpochSecond());
      case EPOCH_MILLIS:
        return Long.toString(instant.toEpochMilli());
      default:
        return pattern.format(instant.atOffset(ZoneOffset.UTC));
    }
  }
}
