package dev.tidewater.planner.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tidewater.connector.files.FilesConnectorFactory;
import dev.tidewater.parser.TidewaterSqlParser;
import dev.tidewater.parser.ast.SqlCreateSource;
import dev.tidewater.parser.ast.SqlOptions;
import dev.tidewater.planner.Session;
import dev.tidewater.spi.Connector;
import dev.tidewater.spi.ConnectorFactory;
import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.TidewaterException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StatementRedactorTest {
  /** A source type whose secret option has a name no name-based rule would catch. */
  private static final class DsnConnectorFactory implements ConnectorFactory {
    @Override
    public String name() {
      return "WAREHOUSE_API";
    }

    @Override
    public Connector create(String sourceName, Map<String, String> options) {
      throw new UnsupportedOperationException("only its secret option names are used here");
    }

    @Override
    public Set<String> secretOptionNames() {
      return Set.of("dsn");
    }
  }

  private final StatementRedactor redactor =
      new StatementRedactor(List.of(new FilesConnectorFactory(), new DsnConnectorFactory()));

  @Test
  void masksTheOptionsTheConnectorDeclaresSecretAndUnparses() throws Exception {
    String sql =
        "CREATE OR REPLACE SOURCE landing TYPE FILES WITH (\n"
            + "  location = 's3://bucket/landing/*.csv', 's3.access-key-id' = 'AKIAEXAMPLE',\n"
            + "  'S3.Secret-Access-Key' = 'wJalrXUtnFEMI/K7MDENG', 's3.session-token' ="
            + " 'FwoGZXIvYXdz')";

    String redacted = redactor.redact(sql);

    assertThat(redacted).doesNotContain("wJalrXUtnFEMI/K7MDENG", "FwoGZXIvYXdz");
    SqlCreateSource reparsed = (SqlCreateSource) TidewaterSqlParser.parseStatement(redacted);
    assertThat(SqlOptions.toMap(reparsed.options))
        .containsExactly(
            Map.entry("location", "s3://bucket/landing/*.csv"),
            Map.entry("s3.access-key-id", "AKIAEXAMPLE"),
            Map.entry("s3.secret-access-key", StatementRedactor.MASK),
            Map.entry("s3.session-token", StatementRedactor.MASK));
    assertThat(reparsed.replace).isTrue();
  }

  @Test
  void usesTheSecretNamesOfTheStatementsSourceType() throws Exception {
    String sql =
        "CREATE SOURCE api TYPE warehouse_api WITH (dsn = 'user:pw@host', password = 12345, region"
            + " = 'eu')";

    String redacted = redactor.redact(sql);

    SqlCreateSource reparsed = (SqlCreateSource) TidewaterSqlParser.parseStatement(redacted);
    assertThat(SqlOptions.toMap(reparsed.options))
        .containsExactly(
            Map.entry("dsn", StatementRedactor.MASK),
            Map.entry("password", StatementRedactor.MASK),
            Map.entry("region", "eu"));
    // A FILES source has no option 'dsn': there it is not secret.
    assertThat(redactor.redact("CREATE SOURCE f TYPE FILES WITH (dsn = 'visible')"))
        .contains("visible");
  }

  @Test
  void leavesStatementsWithoutSecretsExactlyAsWritten() {
    String create = "create source orders TYPE files with (location = 'examples/data/orders.csv')";
    String query = "SELECT token, password FROM accounts WHERE id = 'secretary'";

    assertThat(redactor.redact(create)).isEqualTo(create);
    assertThat(redactor.redact(query)).isEqualTo(query);
    assertThat(redactor.redactMessage("no such column 'secretary'", query))
        .isEqualTo("no such column 'secretary'");
  }

  @Test
  void masksSecretLookingPairsWhenTheStatementDoesNotParse() {
    String sql =
        "CREATE SOURCE broken TYPE FILES WITH (location = '/data/a.csv' password 'hunter2',"
            + " \"api_key\" = 'k-123', 'client.credential' = 'c''red', pin_token = 4711)";

    String redacted = redactor.redact(sql);

    assertThat(redacted)
        .doesNotContain("hunter2", "k-123", "c''red", "4711")
        .contains(
            "location = '/data/a.csv'",
            "password '***'",
            "\"api_key\" = '***'",
            "'client.credential' = '***'",
            "pin_token = '***'");
  }

  /** Found by the statement fuzzer: a 100,000-character name made the pair search quadratic. */
  @Test
  void masksPairsAfterVeryLongNamesAndStrings() {
    String name = "x".repeat(100_000);
    String text = "a b ".repeat(25_000);
    String sql =
        "CREATE NAMESPAC\u0000E "
            + name
            + ". '"
            + text
            + "' WITH (password = 'hunter2', \""
            + name
            + "\" = '"
            + text
            + "')";

    String redacted = redactor.redact(sql);

    assertThat(redacted).doesNotContain("hunter2").contains("password = '***'", name, text);
  }

  @Test
  void masksSecretOptionsOfOtherStatements() {
    String sql =
        "LOAD orders INTO sales.orders WITH DISPOSITION APPEND WITH (upload_token = 'tk-99',"
            + " target_file_size = '256MB')";

    assertThat(redactor.redact(sql))
        .doesNotContain("tk-99")
        .contains("upload_token = '***'", "target_file_size = '256MB'");
  }

  @Test
  void masksTheSecretsASyntaxErrorQuotes() {
    String sql = "CREATE SOURCE s TYPE FILES WITH (location = '/data/a.csv', password 'hunter2')";
    TidewaterException error =
        catchThrowableOfType(TidewaterException.class, () -> Session.parse(sql));
    assertThat(error.getMessage()).contains("hunter2"); // what would leak without redaction

    TidewaterException redacted = redactor.redact(error, sql);

    assertThat(redacted.getMessage()).doesNotContain("hunter2").contains(StatementRedactor.MASK);
    assertThat(redacted.kind()).isEqualTo(ErrorKind.USER);
    assertThat(redacted.position()).isEqualTo(error.position());
    assertThat(redacted.getStackTrace()).isEqualTo(error.getStackTrace());
    assertThat(redacted.getCause()).isNull();
  }

  @Test
  void keepsAnErrorThatQuotesNoSecret() {
    String sql = "CREATE SOURCE s TYPE FILES WITH (location = '/data/a.csv', password = 'hunter2')";
    TidewaterException error = TidewaterException.user("source 's': unknown option 'password'");

    assertThat(redactor.redact(error, sql)).isSameAs(error);
  }
}
