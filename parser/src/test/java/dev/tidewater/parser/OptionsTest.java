package dev.tidewater.parser;

import static dev.tidewater.parser.Parsing.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.parser.ast.SqlCreateSource;
import dev.tidewater.parser.ast.SqlOption;
import dev.tidewater.parser.ast.SqlOptions;
import java.util.Map;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.parser.SqlParseException;
import org.junit.jupiter.api.Test;

class OptionsTest {

  private static SqlNodeList options(String list) {
    return parse("CREATE SOURCE s TYPE files WITH " + list, SqlCreateSource.class).options;
  }

  @Test
  void keysAreIdentifiersOrQuotedStringsAndCaseInsensitive() {
    SqlNodeList options =
        options("(Format = 'csv', 's3.Endpoint' = 'http://minio:9000', s3.region = 'eu')");

    SqlOption format = (SqlOption) options.get(0);
    SqlOption endpoint = (SqlOption) options.get(1);
    SqlOption region = (SqlOption) options.get(2);
    assertThat(format.key).isInstanceOf(SqlIdentifier.class);
    assertThat(format.keyName()).isEqualTo("format");
    assertThat(endpoint.key).isInstanceOf(SqlLiteral.class);
    assertThat(endpoint.keyName()).isEqualTo("s3.endpoint");
    assertThat(region.keyName()).isEqualTo("s3.region");
  }

  @Test
  void reservedWordsAreKeysToo() {
    SqlNodeList options =
        options(
            "(user = 'etl', method = 'POST', escape = '\\', value = 1, limit = 10, table = 't')");

    assertThat(SqlOptions.toMap(options))
        .containsExactly(
            Map.entry("user", "etl"),
            Map.entry("method", "POST"),
            Map.entry("escape", "\\"),
            Map.entry("value", "1"),
            Map.entry("limit", "10"),
            Map.entry("table", "t"));
  }

  @Test
  void valuesAreStringsNumbersOrBooleans() {
    SqlNodeList options =
        options(
            "(s = 'it''s', blank = '', n = 42, neg = -7, d = 1.50, e = 1e3, t = TRUE, f = false,"
                + " u = 'Zürich →')");

    assertThat(SqlOptions.toMap(options))
        .containsExactly(
            Map.entry("s", "it's"),
            Map.entry("blank", ""),
            Map.entry("n", "42"),
            Map.entry("neg", "-7"),
            Map.entry("d", "1.50"),
            Map.entry("e", "1000"),
            Map.entry("t", "true"),
            Map.entry("f", "false"),
            Map.entry("u", "Zürich →"));
  }

  @Test
  void identifiersAreNotValues() {
    assertThatThrownBy(
            () ->
                TidewaterSqlParser.parseStatement("CREATE SOURCE s TYPE files WITH (format = csv)"))
        .isInstanceOf(SqlParseException.class)
        .satisfies(e -> assertThat(((SqlParseException) e).getPos().getColumnNum()).isEqualTo(43));
  }

  @Test
  void duplicateKeysAreRejectedCaseInsensitively() {
    SqlNodeList options = options("(format = 'csv',\n  'FORMAT' = 'json')");

    assertThatThrownBy(() -> SqlOptions.toMap(options))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Duplicate option 'format' at line 2, column 3");
  }

  @Test
  void nullListIsEmpty() {
    assertThat(SqlOptions.toMap(null)).isEmpty();
  }
}
