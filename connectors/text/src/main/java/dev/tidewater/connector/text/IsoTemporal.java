package dev.tidewater.connector.text;

/**
 * A hand-rolled parser for the ISO-8601 dates and date-times that type inference accepts, without
 * allocating: {@code yyyy-MM-dd}, then optionally {@code T} or a space, {@code HH:mm[:ss[.f]]} with
 * up to nine fraction digits (digits past the sixth must be zero, as Arrow keeps microseconds), and
 * an optional offset {@code Z}, {@code +HH}, {@code +HHMM} or {@code +HH:MM} (one space before it
 * is allowed). The grammar is closed: whatever inference accepts, reading accepts, so no slower
 * {@code java.time} fallback is needed.
 */
public final class IsoTemporal {
  /** Not a date or date-time. */
  static final int INVALID = 0;

  /** {@code yyyy-MM-dd}. */
  static final int DATE = 1;

  /** A local date-time without an offset. */
  static final int TIMESTAMP = 2;

  /** A date-time with an offset or {@code Z}. */
  static final int TIMESTAMP_TZ = 3;

  private static final long MICROS_PER_DAY = 86_400_000_000L;
  private static final long DAYS_0000_TO_1970 = 719_528L;

  /** What the last {@link #parse} found. */
  int kind;

  /** Days since 1970-01-01. */
  long epochDay;

  /** Microseconds since midnight (local). */
  long microsOfDay;

  /** The offset from UTC in seconds (0 without one). */
  int offsetSeconds;

  /** Parses {@code text[offset, offset + length)}; returns {@link #kind}. */
  int parse(char[] text, int offset, int length) {
    kind = INVALID;
    if (length < 10 || text[offset + 4] != '-' || text[offset + 7] != '-') {
      return INVALID;
    }
    int year = digits(text, offset, 4);
    int month = digits(text, offset + 5, 2);
    int day = digits(text, offset + 8, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
      return INVALID;
    }
    epochDay = epochDay(year, month, day);
    microsOfDay = 0;
    offsetSeconds = 0;
    if (length == 10) {
      return kind = DATE;
    }
    int end = offset + length;
    int position = offset + 10;
    char separator = text[position];
    if (separator != 'T' && separator != ' ' && separator != 't') {
      return INVALID;
    }
    position++;
    if (end - position < 5 || text[position + 2] != ':') {
      return INVALID;
    }
    int hour = digits(text, position, 2);
    int minute = digits(text, position + 3, 2);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59) {
      return INVALID;
    }
    position += 5;
    int second = 0;
    long micros = 0;
    if (position < end && text[position] == ':') {
      if (end - position < 3) {
        return INVALID;
      }
      second = digits(text, position + 1, 2);
      if (second < 0 || second > 59) {
        return INVALID;
      }
      position += 3;
      if (position < end && (text[position] == '.' || text[position] == ',')) {
        position++;
        int fractionDigits = 0;
        while (position < end && isDigit(text[position])) {
          int digit = text[position] - '0';
          if (fractionDigits < 6) {
            micros = micros * 10 + digit;
          } else if (digit != 0) {
            return INVALID; // below a microsecond: would be lost
          }
          fractionDigits++;
          position++;
        }
        if (fractionDigits == 0 || fractionDigits > 9) {
          return INVALID;
        }
        for (int i = fractionDigits; i < 6; i++) {
          micros *= 10;
        }
      }
    }
    microsOfDay = (hour * 3600L + minute * 60L + second) * 1_000_000L + micros;
    if (position == end) {
      return kind = TIMESTAMP;
    }
    if (text[position] == ' ' && position + 1 < end) {
      position++;
    }
    char zone = text[position];
    if (zone == 'Z' || zone == 'z') {
      return position + 1 == end ? (kind = TIMESTAMP_TZ) : INVALID;
    }
    if (zone != '+' && zone != '-') {
      return INVALID;
    }
    position++;
    int remaining = end - position;
    int offsetHours;
    int offsetMinutes = 0;
    if (remaining == 2) {
      offsetHours = digits(text, position, 2);
    } else if (remaining == 4) {
      offsetHours = digits(text, position, 2);
      offsetMinutes = digits(text, position + 2, 2);
    } else if (remaining == 5 && text[position + 2] == ':') {
      offsetHours = digits(text, position, 2);
      offsetMinutes = digits(text, position + 3, 2);
    } else {
      return INVALID;
    }
    if (offsetHours < 0 || offsetHours > 18 || offsetMinutes < 0 || offsetMinutes > 59) {
      return INVALID;
    }
    offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (zone == '-' ? -1 : 1);
    return kind = TIMESTAMP_TZ;
  }

  /** Microseconds since the epoch: local for {@link #TIMESTAMP}, UTC for {@link #TIMESTAMP_TZ}. */
  long epochMicros() {
    return epochDay * MICROS_PER_DAY + microsOfDay - offsetSeconds * 1_000_000L;
  }

  static long epochDay(int year, int month, int day) {
    long y = year;
    long total = 365 * y + (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400;
    total += (367L * month - 362) / 12;
    total += day - 1;
    if (month > 2) {
      total--;
      if (!isLeap(year)) {
        total--;
      }
    }
    return total - DAYS_0000_TO_1970;
  }

  private static boolean isLeap(int year) {
    return (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
  }

  private static int daysInMonth(int year, int month) {
    switch (month) {
      case 2:
        return isLeap(year) ? 29 : 28;
      case 4:
      case 6:
      case 9:
      case 11:
        return 30;
      default:
        return 31;
    }
  }

  /** The value of {@code count} (2 or 4) decimal digits, or -1 when one is not a digit. */
  private static int digits(char[] text, int offset, int count) {
    int first = text[offset] - '0';
    int second = text[offset + 1] - '0';
    if (first < 0 || first > 9 || second < 0 || second > 9) {
      return -1;
    }
    int value = first * 10 + second;
    if (count == 2) {
      return value;
    }
    int third = text[offset + 2] - '0';
    int fourth = text[offset + 3] - '0';
    if (third < 0 || third > 9 || fourth < 0 || fourth > 9) {
      return -1;
    }
    return value * 100 + third * 10 + fourth;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
