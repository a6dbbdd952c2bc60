package dev.tidewater.connector.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

class TextParsingTest {
  private final NumberText number = new NumberText();
  private final IsoTemporal temporal = new IsoTemporal();

  private boolean parseLong(String text) {
    return number.parseLong(text.toCharArray(), 0, text.length());
  }

  private double parseDouble(String text) {
    assertThat(number.parseDouble(text.toCharArray(), 0, text.length())).as(text).isTrue();
    return number.doubleValue;
  }

  private BigDecimal parseDecimal(String text, int precision, int scale) {
    if (!number.parseDecimal(text.toCharArray(), 0, text.length(), precision, scale)) {
      return null;
    }
    return number.bigValue != null ? number.bigValue : BigDecimal.valueOf(number.longValue, scale);
  }

  @Test
  void longs() {
    assertThat(parseLong("9223372036854775807")).isTrue();
    assertThat(number.longValue).isEqualTo(Long.MAX_VALUE);
    assertThat(parseLong("-9223372036854775808")).isTrue();
    assertThat(number.longValue).isEqualTo(Long.MIN_VALUE);
    assertThat(parseLong("9223372036854775808")).isFalse();
    assertThat(parseLong("+007")).isTrue();
    assertThat(number.longValue).isEqualTo(7);
    assertThat(parseLong("1.0")).isFalse();
    assertThat(parseLong("-")).isFalse();
    assertThat(parseLong("")).isFalse();
  }

  @Test
  void longDoublesMatchTheJdkBitForBit() {
    java.util.Random random = new java.util.Random(42);
    for (int i = 0; i < 200_000; i++) {
      String text =
          switch (i % 4) {
            case 0 -> Double.toString(random.nextDouble() * 1000);
            case 1 -> Double.toString(Double.longBitsToDouble(random.nextLong()));
            case 2 -> (random.nextLong() % 100_000_000_000L) + "." + Math.abs(random.nextLong());
            default -> Math.abs(random.nextLong()) + "e" + (random.nextInt(600) - 300);
          };
      if (text.contains("NaN") || text.contains("Infinity")) {
        continue;
      }
      assertThat(Double.doubleToRawLongBits(parseDouble(text)))
          .as(text)
          .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(text)));
    }
  }

  @Test
  void doublesMatchTheJdk() {
    for (String text :
        new String[] {
          "0",
          "-0.0",
          "1.5",
          "3.141592653589793",
          "1e22",
          "1e23",
          "2.2250738585072014E-308",
          "123456789012345678901234567890",
          "0.1",
          "9007199254740993",
          "-4.9e-324",
          "1.7976931348623157e308",
          ".5",
          "5."
        }) {
      assertThat(parseDouble(text)).as(text).isEqualTo(Double.parseDouble(text));
    }
    assertThat(parseDouble("NaN")).isNaN();
    assertThat(parseDouble("-Infinity")).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(number.parseDouble("1e".toCharArray(), 0, 2)).isFalse();
    assertThat(number.parseDouble("1.0f".toCharArray(), 0, 4)).isFalse();
    assertThat(number.parseDouble(" 1".toCharArray(), 0, 2)).isFalse();
  }

  @Test
  void decimalsNeverRound() {
    assertThat(parseDecimal("12.5", 18, 2)).isEqualTo(new BigDecimal("12.50"));
    assertThat(parseDecimal("-0.05", 18, 2)).isEqualTo(new BigDecimal("-0.05"));
    assertThat(parseDecimal("7", 18, 2)).isEqualTo(new BigDecimal("7.00"));
    assertThat(parseDecimal("1.230", 18, 2)).isEqualTo(new BigDecimal("1.23"));
    assertThat(parseDecimal("1.234", 18, 2)).isNull();
    assertThat(parseDecimal("12345678901234567.5", 18, 2)).isNull();
    assertThat(parseDecimal("1234567890123456789012345.12", 38, 2))
        .isEqualTo(new BigDecimal("1234567890123456789012345.12"));
    assertThat(parseDecimal("1e2", 18, 2)).isEqualTo(new BigDecimal("100.00"));
    assertThat(parseDecimal("abc", 18, 2)).isNull();
  }

  @Test
  void timestamps() {
    assertThat(parse("2024-02-29")).isEqualTo(IsoTemporal.DATE);
    assertThat(temporal.epochDay).isEqualTo(java.time.LocalDate.of(2024, 2, 29).toEpochDay());
    assertThat(parse("1969-12-31T23:59:59.999999")).isEqualTo(IsoTemporal.TIMESTAMP);
    assertThat(temporal.epochMicros()).isEqualTo(-1);
    assertThat(parse("2024-07-01 12:30")).isEqualTo(IsoTemporal.TIMESTAMP);
    assertThat(temporal.epochMicros())
        .isEqualTo(micros(LocalDateTime.of(2024, 7, 1, 12, 30).toInstant(ZoneOffset.UTC)));
    assertThat(parse("2024-07-01T12:30:00-05:30")).isEqualTo(IsoTemporal.TIMESTAMP_TZ);
    assertThat(temporal.epochMicros())
        .isEqualTo(micros(OffsetDateTime.parse("2024-07-01T12:30:00-05:30").toInstant()));
    assertThat(parse("0001-01-01")).isEqualTo(IsoTemporal.DATE);
    assertThat(temporal.epochDay).isEqualTo(java.time.LocalDate.of(1, 1, 1).toEpochDay());
    assertThat(parse("2024-13-01")).isEqualTo(IsoTemporal.INVALID);
    assertThat(parse("2024-01-01X")).isEqualTo(IsoTemporal.INVALID);
    assertThat(parse("2024-01-01T10:00:00+25:00")).isEqualTo(IsoTemporal.INVALID);
  }

  private int parse(String text) {
    return temporal.parse(text.toCharArray(), 0, text.length());
  }

  private static long micros(java.time.Instant instant) {
    return ChronoUnit.MICROS.between(java.time.Instant.EPOCH, instant);
  }
}
