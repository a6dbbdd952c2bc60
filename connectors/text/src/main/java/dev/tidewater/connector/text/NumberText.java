package dev.tidewater.connector.text;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * Parses numbers straight from a character buffer without regular expressions or a {@link String}
 * per value. Each method returns false when the text is not a number of that kind and leaves the
 * result in a field, so a hot loop allocates nothing.
 */
final class NumberText {
  private static final double[] POWERS_OF_TEN = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22
  };
  private static final long[] LONG_POWERS_OF_TEN = {
    1L,
    10L,
    100L,
    1_000L,
    10_000L,
    100_000L,
    1_000_000L,
    10_000_000L,
    100_000_000L,
    1_000_000_000L,
    10_000_000_000L,
    100_000_000_000L,
    1_000_000_000_000L,
    10_000_000_000_000L,
    100_000_000_000_000L,
    1_000_000_000_000_000L,
    10_000_000_000_000_000L,
    100_000_000_000_000_000L,
    1_000_000_000_000_000_000L
  };
  private static final long MAX_EXACT_DOUBLE_INTEGER = 1L << 53;

  long longValue;
  double doubleValue;

  /** The value of a decimal that needed more than 18 digits; null otherwise. */
  BigDecimal bigValue;

  /** An optional sign and decimal digits that fit in a long (leading zeros allowed). */
  boolean parseLong(char[] text, int offset, int length) {
    int position = offset;
    int end = offset + length;
    if (position == end) {
      return false;
    }
    boolean negative = false;
    char first = text[position];
    if (first == '-' || first == '+') {
      negative = first == '-';
      position++;
      if (position == end) {
        return false;
      }
    }
    // accumulate negatively so that Long.MIN_VALUE fits
    long result = 0;
    long limit = negative ? Long.MIN_VALUE : -Long.MAX_VALUE;
    long multiplyLimit = limit / 10;
    for (; position < end; position++) {
      int digit = text[position] - '0';
      if (digit < 0 || digit > 9 || result < multiplyLimit) {
        return false;
      }
      result *= 10;
      if (result < limit + digit) {
        return false;
      }
      result -= digit;
    }
    longValue = negative ? result : -result;
    return true;
  }

  /**
   * A decimal number {@code [sign] digits [. digits] [e [sign] digits]}, or NaN / Infinity in any
   * case. Uses Clinger's exact fast path when the digits fit in 53 bits and the power of ten is
   * small, else Jackson's FastDoubleParser (correctly rounded, like {@link Double#parseDouble}).
   */
  boolean parseDouble(char[] text, int offset, int length) {
    int position = offset;
    int end = offset + length;
    if (position == end) {
      return false;
    }
    boolean negative = false;
    char first = text[position];
    if (first == '-' || first == '+') {
      negative = first == '-';
      position++;
    }
    long mantissa = 0;
    int exponent = 0;
    int digitCount = 0;
    boolean exact = true;
    int start = position;
    for (; position < end; position++) {
      int digit = text[position] - '0';
      if (digit < 0 || digit > 9) {
        break;
      }
      if (mantissa < 100_000_000_000_000_000L) {
        mantissa = mantissa * 10 + digit;
      } else {
        exponent++;
        exact &= digit == 0;
      }
    }
    digitCount += position - start;
    if (position < end && text[position] == '.') {
      position++;
      start = position;
      for (; position < end; position++) {
        int digit = text[position] - '0';
        if (digit < 0 || digit > 9) {
          break;
        }
        if (mantissa < 100_000_000_000_000_000L) {
          mantissa = mantissa * 10 + digit;
          exponent--;
        } else {
          exact &= digit == 0;
        }
      }
      digitCount += position - start;
    }
    if (digitCount == 0) {
      return parseSpecialDouble(text, offset, length);
    }
    if (position < end && (text[position] == 'e' || text[position] == 'E')) {
      position++;
      boolean negativeExponent = false;
      if (position < end && (text[position] == '-' || text[position] == '+')) {
        negativeExponent = text[position] == '-';
        position++;
      }
      if (position == end) {
        return false;
      }
      int explicit = 0;
      for (; position < end; position++) {
        int digit = text[position] - '0';
        if (digit < 0 || digit > 9) {
          return false;
        }
        if (explicit < 100_000) {
          explicit = explicit * 10 + digit;
        }
      }
      exponent += negativeExponent ? -explicit : explicit;
    }
    if (position != end) {
      return false;
    }
    if (exact && mantissa <= MAX_EXACT_DOUBLE_INTEGER && exponent >= -22 && exponent <= 22) {
      double value = mantissa;
      value = exponent >= 0 ? value * POWERS_OF_TEN[exponent] : value / POWERS_OF_TEN[-exponent];
      doubleValue = negative ? -value : value;
    } else {
      // Jackson's copy of FastDoubleParser: correctly rounded like Double.parseDouble, without
      // the String and several times faster (17-digit prices take this path on every row).
      doubleValue =
          com.fasterxml.jackson.core.io.NumberInput.parseDouble(text, offset, length, true);
    }
    return true;
  }

  private boolean parseSpecialDouble(char[] text, int offset, int length) {
    String value = new String(text, offset, length).toLowerCase(Locale.ROOT);
    switch (value) {
      case "nan":
        doubleValue = Double.NaN;
        return true;
      case "inf":
      case "+inf":
      case "infinity":
      case "+infinity":
        doubleValue = Double.POSITIVE_INFINITY;
        return true;
      case "-inf":
      case "-infinity":
        doubleValue = Double.NEGATIVE_INFINITY;
        return true;
      default:
        return false;
    }
  }

  /**
   * A decimal that fits {@code DECIMAL(precision, scale)} exactly: into {@link #longValue} as the
   * unscaled value when it has at most 18 digits, else into {@link #bigValue}. Fraction digits past
   * the scale must be zeros (nothing is rounded away).
   */
  boolean parseDecimal(char[] text, int offset, int length, int precision, int scale) {
    bigValue = null;
    int position = offset;
    int end = offset + length;
    if (position == end) {
      return false;
    }
    boolean negative = false;
    char first = text[position];
    if (first == '-' || first == '+') {
      negative = first == '-';
      position++;
    }
    long unscaled = 0;
    int significant = 0;
    int integerDigits = 0;
    for (; position < end; position++) {
      int digit = text[position] - '0';
      if (digit < 0 || digit > 9) {
        break;
      }
      integerDigits++;
      if (significant > 0 || digit != 0) {
        significant++;
        if (significant <= 18) {
          unscaled = unscaled * 10 + digit;
        }
      }
    }
    int significantIntegerDigits = significant;
    int fractionDigits = 0;
    int keptFractionDigits = 0;
    if (position < end && text[position] == '.') {
      position++;
      for (; position < end; position++) {
        int digit = text[position] - '0';
        if (digit < 0 || digit > 9) {
          break;
        }
        fractionDigits++;
        if (fractionDigits > scale) {
          if (digit != 0) {
            return false; // would round
          }
        } else {
          keptFractionDigits++;
          if (significant > 0 || digit != 0) {
            significant++;
          }
          if (significant <= 18) {
            unscaled = unscaled * 10 + digit;
          }
        }
      }
    }
    if (integerDigits + fractionDigits == 0) {
      return false;
    }
    if (position != end) {
      return parseDecimalSlowly(text, offset, length, precision, scale);
    }
    if (significantIntegerDigits > precision - scale) {
      return false;
    }
    int padding = scale - keptFractionDigits;
    if (significant + padding > 18) {
      return parseDecimalSlowly(text, offset, length, precision, scale);
    }
    unscaled *= LONG_POWERS_OF_TEN[padding];
    longValue = negative ? -unscaled : unscaled;
    return true;
  }

  private boolean parseDecimalSlowly(
      char[] text, int offset, int length, int precision, int scale) {
    BigDecimal value;
    try {
      value = new BigDecimal(text, offset, length).setScale(scale, RoundingMode.UNNECESSARY);
    } catch (NumberFormatException | ArithmeticException e) {
      return false;
    }
    if (value.precision() > precision) {
      return false;
    }
    bigValue = value;
    return true;
  }

  /** {@code true} or {@code false} in any case; also t / f, yes / no, y / n, 1 / 0 (reading). */
  static int parseBoolean(char[] text, int offset, int length) {
    switch (length) {
      case 1:
        char c = Character.toLowerCase(text[offset]);
        if (c == 't' || c == 'y' || c == '1') {
          return 1;
        }
        return c == 'f' || c == 'n' || c == '0' ? 0 : -1;
      case 2:
        return equalsIgnoreCase(text, offset, "no") ? 0 : -1;
      case 3:
        return equalsIgnoreCase(text, offset, "yes") ? 1 : -1;
      case 4:
        return equalsIgnoreCase(text, offset, "true") ? 1 : -1;
      case 5:
        return equalsIgnoreCase(text, offset, "false") ? 0 : -1;
      default:
        return -1;
    }
  }

  static boolean equalsIgnoreCase(char[] text, int offset, String lowerCase) {
    for (int i = 0; i < lowerCase.length(); i++) {
      if (Character.toLowerCase(text[offset + i]) != lowerCase.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
