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
    assertThat(ValueCast.toLong("  -17 ")).isEqualTo(-17L);
    assertThat(ValueCast.toLong("2.000")).isEqualTo(2L);
    assertThat(ValueCast.toLong("2.5")).isNull();
    assertThat(ValueCast.toLong(3.0)).isEqualTo(3L);
    assertThat(ValueCast.toLong(3.5)).isNull();
    assertThat(ValueCast.toLong(Double.NaN)).isNull();
    assertThat(ValueCast.toLong(9.3e18)).isNull();
    assertThat(ValueCast.toLong(new BigDecimal("9223372036854775808"))).isNull();
    assertThat(ValueCast.toLong("1,000")).isNull();
    assertThat(ValueCast.toLong(true)).isEqualTo(1L);
    assertThat(ValueCast.toLong(LocalDate.of(2024, 1, 1))).isNull();
  }

  @Test
  void decimalsRefuseDigitsTheyCannotHold() {
    assertThat(ValueCast.toDecimal(12L, 4, 2)).isEqualTo(new BigDecimal("12.00"));
    assertThat(ValueCast.toDecimal(123L, 4, 2)).isNull();
    assertThat(ValueCast.toDecimal("-0.5", 3, 2)).isEqualTo(new BigDecimal("-0.50"));
    assertThat(ValueCast.toDecimal("0.125", 5, 2)).isNull();
    assertThat(ValueCast.toDecimal(0.1, 3, 2)).isEqualTo(new BigDecimal("0.10"));
    assertThat(ValueCast.toDecimal(0.1f, 3, 2)).isEqualTo(new BigDecimal("0.10"));
    assertThat(ValueCast.toDecimal(Double.POSITIVE_INFINITY, 38, 2)).isNull();
    assertThat(ValueCast.toDecimal("12abc", 10, 2)).isNull();
  }

  @Test
  void floatingPointKeepsWhatAPersonReads() {
    assertThat(ValueCast.toFloat(0.1)).isEqualTo(0.1f);
    assertThat(ValueCast.toFloat(0.123456789012)).isNull();
    assertThat(ValueCast.toFloat("1e50")).isNull();
    assertThat(ValueCast.toDouble("-Infinity")).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(ValueCast.toDouble(Long.MAX_VALUE)).isNull();
    assertThat(ValueCast.toDouble(1L << 53)).isEqualTo(9007199254740992.0);
    assertThat(ValueCast.toDouble(new BigDecimal("0.1"))).isEqualTo(0.1);
    assertThat(ValueCast.toDouble(new BigDecimal("0.10000000000000000001"))).isNull();
  }

  @Test
  void temporalTextInIsoForms() {
    assertThat(ValueCast.parseTemporal("2024-01-02")).isEqualTo(LocalDate.of(2024, 1, 2));
    assertThat(ValueCast.parseTemporal("2024-01-02 03:04"))
        .isEqualTo(LocalDateTime.of(2024, 1, 2, 3, 4));
    assertThat(ValueCast.parseTemporal("2024-01-02t03:04:05z"))
        .isEqualTo(Instant.parse("2024-01-02T03:04:05Z"));
    assertThat(ValueCast.parseTemporal("2024-01-02T03:04:05-0130"))
        .isEqualTo(Instant.parse("2024-01-02T04:34:05Z"));
    assertThat(ValueCast.parseTemporal("02/01/2024")).isNull();
    assertThat(ValueCast.toDate(LocalDateTime.of(2024, 1, 2, 0, 0)))
        .isEqualTo(LocalDate.of(2024, 1, 2));
    assertThat(ValueCast.toDate(LocalDateTime.of(2024, 1, 2, 0, 1))).isNull();
    assertThat(ValueCast.toMicros("1969-12-31T23:59:59.999999Z")).isEqualTo(-1L);
    assertThat(ValueCast.toMicros(Instant.ofEpochSecond(0, 1))).isNull();
    assertThat(ValueCast.toBoolean("Yes")).isTrue();
    assertThat(ValueCast.toBoolean(2L)).isNull();
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
