package dev.tidewater.connector.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.arrow.vector.types.pojo.Field;
import org.junit.jupiter.api.Test;

class TypeInferenceTest {
  private static String infer(String... values) {
    TypeInference inference = new TypeInference();
    IsoTemporal temporal = new IsoTemporal();
    for (String value : values) {
      inference.observeText(value.toCharArray(), 0, value.length(), temporal);
    }
    Field field = inference.toField("c");
    return FieldTypes.sqlName(field);
  }

  @Test
  void integers() {
    assertThat(infer("0", "-12", "9223372036854775807")).isEqualTo("BIGINT");
    assertThat(infer("00501")).isEqualTo("VARCHAR");
    assertThat(infer("-007")).isEqualTo("VARCHAR");
    assertThat(infer("+5")).isEqualTo("VARCHAR");
    assertThat(infer("9223372036854775808")).isEqualTo("DECIMAL(23,0)");
  }

  @Test
  void decimalsAndDoubles() {
    assertThat(infer("12.50", "0.99", "-3")).isEqualTo("DECIMAL(18,2)");
    assertThat(infer("12345678901234567890.123")).isEqualTo("DECIMAL(27,3)");
    assertThat(infer("1.5", "1.25")).isEqualTo("DOUBLE");
    assertThat(infer("1e10", "2")).isEqualTo("DOUBLE");
    assertThat(infer("0.1234567891")).isEqualTo("DOUBLE");
    assertThat(infer("1.5", "1.25", "9007199254740993")).isEqualTo("VARCHAR");
    assertThat(infer("1.", ".5")).isEqualTo("VARCHAR");
    assertThat(infer("00.5")).isEqualTo("VARCHAR");
  }

  @Test
  void booleansDatesAndTimestamps() {
    assertThat(infer("true", "FALSE", "True")).isEqualTo("BOOLEAN");
    assertThat(infer("true", "1")).isEqualTo("VARCHAR");
    assertThat(infer("2024-01-31", "2024-02-29")).isEqualTo("DATE");
    assertThat(infer("2023-02-29")).isEqualTo("VARCHAR");
    assertThat(infer("2024-01-31", "2024-01-31 10:00")).isEqualTo("TIMESTAMP");
    assertThat(infer("2024-01-31T10:00:00.123456789")).isEqualTo("VARCHAR");
    assertThat(infer("2024-01-31T10:00:00.123456000")).isEqualTo("TIMESTAMP");
    assertThat(infer("2024-01-31T10:00:00Z", "2024-01-31 10:00:00 +0530"))
        .isEqualTo("TIMESTAMP WITH TIME ZONE");
    assertThat(infer("2024-01-31T10:00:00Z", "2024-01-31")).isEqualTo("VARCHAR");
    assertThat(infer("2024-01-31T25:00:00")).isEqualTo("VARCHAR");
  }

  @Test
  void nothingObservedIsVarchar() {
    assertThat(infer()).isEqualTo("VARCHAR");
  }
}
