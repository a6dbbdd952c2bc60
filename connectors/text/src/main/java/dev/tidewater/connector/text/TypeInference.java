package dev.tidewater.connector.text;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * Infers the type of one column from the values of a sample, never choosing a type that would lose
 * information. The rules, for text (every CSV value, and JSON strings where noted):
 *
 * <ul>
 *   <li>An empty value or the {@code null_value} is null and does not affect the type; a column
 *       with only nulls (or no rows) is {@code VARCHAR}.
 *   <li>{@code BIGINT} (Arrow {@code Int(64, signed)}): an optional {@code -} and digits without a
 *       leading zero ({@code "00501"} stays text, {@code "0"} is a number) that fit in a long.
 *   <li>{@code DECIMAL(p, s)} (Arrow {@code Decimal(p, s, 128)}): when every fractional value is a
 *       plain decimal ({@code -12.50}, no exponent) with the same number {@code s <= 9} of fraction
 *       digits; integers may be mixed in. {@code p} is the most integer digits seen plus {@code s}
 *       plus a margin of 4, at least 18 and at most 38; so {@code 12.50} keeps its scale. Integers
 *       too large for a long also become {@code DECIMAL(p, 0)}.
 *   <li>{@code DOUBLE} (Arrow {@code FloatingPoint(DOUBLE)}): numbers with an exponent, more than 9
 *       fraction digits, or differing numbers of fraction digits. Mixed with an integer a double
 *       cannot hold exactly (beyond 2^53) the column is {@code VARCHAR}.
 *   <li>{@code BOOLEAN}: {@code true} / {@code false} in any case.
 *   <li>{@code DATE} (Arrow {@code Date(DAY)}): {@code yyyy-MM-dd}.
 *   <li>{@code TIMESTAMP} (Arrow {@code Timestamp(MICROSECOND)}): ISO-8601 local date-times, with
 *       {@code T} or a space ({@code 2024-01-02 03:04:05}, {@code 2024-01-02T03:04:05.123456});
 *       dates mixed in are read as midnight. See {@link IsoTemporal} for the exact grammar.
 *   <li>{@code TIMESTAMP WITH TIME ZONE} (Arrow {@code Timestamp(MICROSECOND, "UTC")}): when every
 *       value carries an offset or {@code Z}; a mix of zoned and local values is {@code VARCHAR}.
 *   <li>Anything else, and any mix of the families boolean / number / date-time, is {@code VARCHAR}
 *       (Arrow {@code Utf8}). Numbers widen along {@code BIGINT -> DECIMAL -> DOUBLE}.
 * </ul>
 *
 * <p>JSON values keep their JSON type: integers are {@code BIGINT} (or {@code DECIMAL(p, 0)} beyond
 * a long), other numbers {@code DOUBLE}, {@code true} / {@code false} {@code BOOLEAN}; strings
 * become {@code DATE} or a timestamp type when they are ISO dates, else {@code VARCHAR} (a string
 * that looks like a number stays {@code VARCHAR}). Objects become a {@code Struct} whose fields are
 * the union of the sample's keys (in order of appearance; an object without keys is {@code
 * VARCHAR}), arrays a {@code List} of their widened element type ({@code VARCHAR} when every
 * element is null or every array empty). A field that is an object in one record and a scalar or an
 * array in another is {@code VARCHAR} holding the JSON text.
 */
public final class TypeInference {
  static final int DECIMAL_PRECISION_MARGIN = 4;
  static final int MIN_DECIMAL_PRECISION = 18;
  static final int MAX_DECIMAL_PRECISION = 38;
  static final int MAX_DECIMAL_SCALE = 9;
  private static final long MAX_EXACT_DOUBLE_INTEGER = 1L << 53;

  private boolean sawBoolean;
  private boolean sawInteger;
  private boolean sawBigInteger;
  private boolean sawDecimal;
  private boolean sawDouble;
  private boolean sawDate;
  private boolean sawTimestamp;
  private boolean sawTimestampWithZone;
  private boolean sawText;
  private boolean sawObject;
  private boolean sawArray;
  private boolean integerBeyondDouble;
  private int integerDigits;
  private int scale = -1;
  private boolean scalesDiffer;
  private Map<String, TypeInference> fields;
  private TypeInference element;

  /** Observes one non-null CSV value. */
  public void observeText(char[] text, int offset, int length, IsoTemporal temporal) {
    if (length >= 10
        && text[offset + 4] == '-'
        && observeTemporal(text, offset, length, temporal)) {
      return;
    }
    char first = text[offset];
    if ((first >= '0' && first <= '9') || first == '-') {
      if (observeNumber(text, offset, length)) {
        return;
      }
    } else if ((length == 4 && NumberText.equalsIgnoreCase(text, offset, "true"))
        || (length == 5 && NumberText.equalsIgnoreCase(text, offset, "false"))) {
      sawBoolean = true;
      return;
    }
    sawText = true;
  }

  /** Observes one JSON string: only dates and date-times are recognised in it. */
  void observeJsonString(char[] text, int offset, int length, IsoTemporal temporal) {
    if (length >= 10
        && text[offset + 4] == '-'
        && observeTemporal(text, offset, length, temporal)) {
      return;
    }
    sawText = true;
  }

  /** Observes one JSON integer that fits in a long. */
  void observeInteger(long value) {
    sawInteger = true;
    integerDigits = Math.max(integerDigits, digitCount(value));
    if (value > MAX_EXACT_DOUBLE_INTEGER || value < -MAX_EXACT_DOUBLE_INTEGER) {
      integerBeyondDouble = true;
    }
  }

  /** Observes one integer too large for a long, with its number of digits. */
  void observeBigInteger(int digits) {
    sawBigInteger = true;
    integerBeyondDouble = true;
    integerDigits = Math.max(integerDigits, digits);
  }

  /** Observes one JSON number with a fraction or an exponent. */
  void observeDouble() {
    sawDouble = true;
  }

  void observeBoolean() {
    sawBoolean = true;
  }

  /** Observes a JSON object; returns the inference of one of its fields. */
  TypeInference field(String name) {
    sawObject = true;
    if (fields == null) {
      fields = new LinkedHashMap<>();
    }
    return fields.computeIfAbsent(name, ignored -> new TypeInference());
  }

  /** Observes a JSON object (also one without keys). */
  void observeObject() {
    sawObject = true;
  }

  /** Observes a JSON array; returns the inference of its elements. */
  TypeInference element() {
    sawArray = true;
    if (element == null) {
      element = new TypeInference();
    }
    return element;
  }

  private boolean observeTemporal(char[] text, int offset, int length, IsoTemporal temporal) {
    switch (temporal.parse(text, offset, length)) {
      case IsoTemporal.DATE:
        sawDate = true;
        return true;
      case IsoTemporal.TIMESTAMP:
        sawTimestamp = true;
        return true;
      case IsoTemporal.TIMESTAMP_TZ:
        sawTimestampWithZone = true;
        return true;
      default:
        return false;
    }
  }

  /** Classifies {@code [-]digits[.digits][e[sign]digits]}; false when it is not such a number. */
  private boolean observeNumber(char[] text, int offset, int length) {
    int end = offset + length;
    int position = offset;
    if (text[position] == '-') {
      position++;
    }
    int integerStart = position;
    while (position < end && isDigit(text[position])) {
      position++;
    }
    int digits = position - integerStart;
    if (digits == 0 || (digits > 1 && text[integerStart] == '0')) {
      return false; // no digits, or leading zeros that a number would drop
    }
    if (position == end) {
      if (digits <= 18) {
        observeInteger(smallLong(text, offset, length));
      } else {
        NumberText parser = new NumberText();
        if (parser.parseLong(text, offset, length)) {
          observeInteger(parser.longValue);
        } else {
          observeBigInteger(digits);
        }
      }
      return true;
    }
    int fractionDigits = -1;
    if (text[position] == '.') {
      position++;
      int fractionStart = position;
      while (position < end && isDigit(text[position])) {
        position++;
      }
      fractionDigits = position - fractionStart;
      if (fractionDigits == 0) {
        return false;
      }
    }
    if (position == end) {
      if (fractionDigits > MAX_DECIMAL_SCALE || digits + fractionDigits > MAX_DECIMAL_PRECISION) {
        sawDouble = true;
      } else {
        sawDecimal = true;
        integerDigits = Math.max(integerDigits, digits);
        if (scale < 0) {
          scale = fractionDigits;
        } else if (scale != fractionDigits) {
          scalesDiffer = true;
        }
      }
      return true;
    }
    if (text[position] != 'e' && text[position] != 'E') {
      return false;
    }
    position++;
    if (position < end && (text[position] == '-' || text[position] == '+')) {
      position++;
    }
    int exponentStart = position;
    while (position < end && isDigit(text[position])) {
      position++;
    }
    if (position != end || position == exponentStart) {
      return false;
    }
    sawDouble = true;
    return true;
  }

  private static long smallLong(char[] text, int offset, int length) {
    boolean negative = text[offset] == '-';
    long value = 0;
    for (int i = negative ? offset + 1 : offset; i < offset + length; i++) {
      value = value * 10 + (text[i] - '0');
    }
    return negative ? -value : value;
  }

  private static int digitCount(long value) {
    if (value == Long.MIN_VALUE) {
      return 19;
    }
    long magnitude = Math.abs(value);
    int count = 1;
    while (magnitude >= 10) {
      magnitude /= 10;
      count++;
    }
    return count;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** The inferred field; every field is nullable. */
  public Field toField(String name) {
    if (sawObject || sawArray) {
      boolean scalars =
          sawBoolean
              || sawInteger
              || sawBigInteger
              || sawDecimal
              || sawDouble
              || sawDate
              || sawTimestamp
              || sawTimestampWithZone
              || sawText;
      if (sawObject && !sawArray && !scalars && fields != null && !fields.isEmpty()) {
        List<Field> children = new ArrayList<>(fields.size());
        fields.forEach((childName, child) -> children.add(child.toField(childName)));
        return new Field(name, FieldType.nullable(ArrowType.Struct.INSTANCE), children);
      }
      if (sawArray && !sawObject && !scalars) {
        Field item = element == null ? utf8("item") : element.toField(FieldTypes.LIST_ELEMENT_NAME);
        return new Field(name, FieldType.nullable(ArrowType.List.INSTANCE), List.of(item));
      }
      return utf8(name);
    }
    return new Field(name, FieldType.nullable(scalarType()), null);
  }

  private ArrowType scalarType() {
    boolean numbers = sawInteger || sawBigInteger || sawDecimal || sawDouble;
    boolean temporals = sawDate || sawTimestamp || sawTimestampWithZone;
    int families = (sawBoolean ? 1 : 0) + (numbers ? 1 : 0) + (temporals ? 1 : 0);
    if (sawText || families != 1) {
      return ArrowType.Utf8.INSTANCE;
    }
    if (sawBoolean) {
      return ArrowType.Bool.INSTANCE;
    }
    if (temporals) {
      if (sawTimestampWithZone) {
        return sawDate || sawTimestamp
            ? ArrowType.Utf8.INSTANCE
            : new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC");
      }
      return sawTimestamp
          ? new ArrowType.Timestamp(TimeUnit.MICROSECOND, null)
          : new ArrowType.Date(DateUnit.DAY);
    }
    if (sawDouble || scalesDiffer) {
      return integerBeyondDouble
          ? ArrowType.Utf8.INSTANCE
          : new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
    }
    if (sawDecimal || sawBigInteger) {
      int decimalScale = Math.max(scale, 0);
      int needed = integerDigits + decimalScale;
      if (needed > MAX_DECIMAL_PRECISION) {
        return integerBeyondDouble
            ? ArrowType.Utf8.INSTANCE
            : new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
      }
      int precision =
          Math.max(
              MIN_DECIMAL_PRECISION,
              Math.min(MAX_DECIMAL_PRECISION, needed + DECIMAL_PRECISION_MARGIN));
      return new ArrowType.Decimal(precision, decimalScale, 128);
    }
    return new ArrowType.Int(64, true);
  }

  private static Field utf8(String name) {
    return new Field(name, FieldType.nullable(ArrowType.Utf8.INSTANCE), null);
  }
}
