package dev.tidewater.planner.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

class ValueCastTest {
  @Test
  void integersRefuseFractionsAndOverflow() {
    assertThat(ValueConversions.toLong("  -17 ")).isEqualTo(-17L);
    assertThat(ValueConversions.toLong("2.000")).isEqualTo(2L);
    assertThat(ValueConversions.toLong("2.5")).isNull();
    assertThat(ValueConversions.toLong(3.0)).isEqualTo(3L);
    assertThat(ValueConversions.toLong(3.5)).isNull();
    assertThat(ValueConversions.toLong(Double.NaN)).isNull();
    assertThat(ValueConversions.toLong(9.3e18)).isNull();
    assertThat(ValueConversions.toLong(new BigDecimal("9223372036854775808"))).isNull();
    assertThat(ValueConversions.toLong("1,000")).isNull();
    assertThat(ValueConversions.toLong(true)).isEqualTo(1L);
    assertThat(ValueConversions.toLong(LocalDate.of(2024, 1, 1))).isNull();
  }

  @Test
  void decimalsRefuseDigitsTheyCannotHold() {
    assertThat(ValueConversions.toDecimal(12L, 4, 2)).isEqualTo(new BigDecimal("12.00"));
    assertThat(ValueConversions.toDecimal(123L, 4, 2)).isNull();
    assertThat(ValueConversions.toDecimal("-0.5", 3, 2)).isEqualTo(new BigDecimal("-0.50"));
    assertThat(ValueConversions.toDecimal("0.125", 5, 2)).isNull();
    assertThat(ValueConversions.toDecimal(0.1, 3, 2)).isEqualTo(new BigDecimal("0.10"));
    assertThat(ValueConversions.toDecimal(0.1f, 3, 2)).isEqualTo(new BigDecimal("0.10"));
    assertThat(ValueConversions.toDecimal(Double.POSITIVE_INFINITY, 38, 2)).isNull();
    assertThat(ValueConversions.toDecimal("12abc", 10, 2)).isNull();
  }

  @Test
  void floatingPointKeepsWhatAPersonReads() {
    assertThat(ValueConversions.toFloat(0.1)).isEqualTo(0.1f);
    assertThat(ValueConversions.toFloat(0.123456789012)).isNull();
    assertThat(ValueConversions.toFloat("1e50")).isNull();
    assertThat(ValueConversions.toDouble("-Infinity")).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(ValueConversions.toDouble(Long.MAX_VALUE)).isNull();
    assertThat(ValueConversions.toDouble(1L << 53)).isEqualTo(9007199254740992.0);
    assertThat(ValueConversions.toDouble(new BigDecimal("0.1"))).isEqualTo(0.1);
    assertThat(ValueConversions.toDouble(new BigDecimal("0.10000000000000000001"))).isNull();
  }

  @Test
  void temporalTextInIsoForms() {
    assertThat(ValueConversions.parseTemporal("2024-01-02")).isEqualTo(LocalDate.of(2024, 1, 2));
    assertThat(ValueConversions.parseTemporal("2024-01-02 03:04"))
        .isEqualTo(LocalDateTime.of(2024, 1, 2, 3, 4));
    assertThat(ValueConversions.parseTemporal("2024-01-02t03:04:05z"))
        .isEqualTo(Instant.parse("2024-01-02T03:04:05Z"));
    assertThat(ValueConversions.parseTemporal("2024-01-02T03:04:05-0130"))
        .isEqualTo(Instant.parse("2024-01-02T04:34:05Z"));
    assertThat(ValueConversions.parseTemporal("02/01/2024")).isNull();
    assertThat(ValueConversions.toDate(LocalDateTime.of(2024, 1, 2, 0, 0)))
        .isEqualTo(LocalDate.of(2024, 1, 2));
    assertThat(ValueConversions.toDate(LocalDateTime.of(2024, 1, 2, 0, 1))).isNull();
    assertThat(ValueConversions.toMicros("1969-12-31T23:59:59.999999Z")).isEqualTo(-1L);
    assertThat(ValueConversions.toMicros(Instant.ofEpochSecond(0, 1))).isNull();
    assertThat(ValueConversions.toBoolean("Yes")).isTrue();
    assertThat(ValueConversions.toBoolean(2L)).isNull();
  }

  @Test
  void displayTextQuotesOnlyWhatNeedsQuotes() {
    assertThat(SqlText.display("\"amount\" >= 0 AND \"year\" < 2000 AND \"Release Date\" IS NULL"))
        .isEqualTo("amount >= 0 AND \"year\" < 2000 AND \"Release Date\" IS NULL");
    // Calcite writes BETWEEN ASYMMETRIC, the default nobody types; SYMMETRIC stays.
    assertThat(SqlText.display("\"qty\" BETWEEN 0 AND 10 OR \"qty\" NOT BETWEEN (1 AND 2) AND 3"))
        .isEqualTo("qty BETWEEN 0 AND 10 OR qty NOT BETWEEN (1 AND 2) AND 3");
    assertThat(SqlText.display("\"qty\" BETWEEN SYMMETRIC 10 AND 0"))
        .isEqualTo("qty BETWEEN SYMMETRIC 10 AND 0");
    assertThat(Rules.notNull("Amount")).isEqualTo("not_null(\"Amount\")");
    assertThat(Rules.unique(java.util.List.of("a", "b c"))).isEqualTo("unique(a, \"b c\")");
  }
}
