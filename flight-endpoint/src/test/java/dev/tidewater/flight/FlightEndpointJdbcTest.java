package dev.tidewater.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Date;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Drives a real endpoint with the Flight SQL JDBC driver that DBeaver uses. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlightEndpointJdbcTest {
  private final FakeGateway gateway = new FakeGateway();
  private BufferAllocator allocator;
  private FlightEndpoint endpoint;
  private Connection connection;

  @BeforeAll
  void startEndpoint() {
    allocator = new RootAllocator();
    endpoint = FlightEndpoint.start(gateway, allocator, EndpointConfig.plaintext("localhost", 0));
  }

  @AfterAll
  void stopEndpoint() {
    endpoint.close();
    assertThat(gateway.openReaders).hasValue(0);
    assertThat(allocator.getAllocatedMemory()).isZero();
    allocator.close();
    assertThat(gateway.sessionsClosed).hasValue(gateway.sessionsOpened.get());
  }

  @BeforeEach
  void connect() throws SQLException {
    connection = connect(FakeGateway.PASSWORD);
  }

  @AfterEach
  void disconnect() throws SQLException {
    connection.close();
  }

  private Connection connect(String password) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", FakeGateway.USER);
    properties.setProperty("password", password);
    return DriverManager.getConnection(
        "jdbc:arrow-flight-sql://localhost:" + endpoint.port() + "/?useEncryption=false",
        properties);
  }

  @Test
  void queryReturnsTypedRows() throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT * FROM iceberg.demo.t")) {
      ResultSetMetaData metadata = rows.getMetaData();
      assertThat(metadata.getColumnCount()).isEqualTo(7);
      assertThat(metadata.getColumnName(3)).isEqualTo("amount");
      assertThat(metadata.getColumnTypeName(3)).isEqualTo("DECIMAL");
      assertThat(metadata.getPrecision(3)).isEqualTo(12);
      assertThat(metadata.getScale(3)).isEqualTo(2);
      assertThat(metadata.isNullable(1)).isEqualTo(ResultSetMetaData.columnNoNulls);

      assertThat(rows.next()).isTrue();
      assertThat(rows.getLong("id")).isEqualTo(1);
      assertThat(rows.getString("name")).isEqualTo("alpha");
      assertThat(rows.getBigDecimal("amount")).isEqualByComparingTo(new BigDecimal("12.50"));
      assertThat(rows.getDouble("price")).isEqualTo(1.5);
      assertThat(rows.getBoolean("active")).isTrue();
      assertThat(rows.getDate("day")).isEqualTo(Date.valueOf(LocalDate.of(2024, 1, 1)));
      assertThat(rows.getTimestamp("ts"))
          .isEqualTo(Timestamp.valueOf(LocalDateTime.of(2024, 1, 1, 10, 0)));

      assertThat(rows.next()).isTrue();
      assertThat(rows.getString("name")).isEqualTo("beta");
      assertThat(rows.getBoolean("active")).isFalse();
      assertThat(rows.getTimestamp("ts"))
          .isEqualTo(Timestamp.valueOf(LocalDateTime.of(2024, 2, 29, 23, 59, 59, 123_456_000)));

      assertThat(rows.next()).isTrue();
      assertThat(rows.getLong("id")).isEqualTo(3);
      assertThat(rows.getString("name")).isNull();
      assertThat(rows.getBigDecimal("amount")).isNull();
      assertThat(rows.next()).isFalse();
    }
  }

  @Test
  void executeRunsUpdatesAndQueries() throws SQLException {
    try (Statement statement = connection.createStatement()) {
      assertThat(statement.execute("CREATE NAMESPACE iceberg.sales")).isFalse();
      assertThat(statement.getUpdateCount()).isZero();
      assertThat(statement.executeUpdate("DELETE FROM iceberg.demo.t")).isEqualTo(7);
      assertThat(statement.execute("SELECT * FROM iceberg.demo.t")).isTrue();
      try (ResultSet rows = statement.getResultSet()) {
        assertThat(count(rows)).isEqualTo(3);
      }
    }
  }

  @Test
  void preparedStatementsRunMoreThanOnce() throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT * FROM iceberg.demo.t")) {
      assertThat(query.getMetaData().getColumnName(1)).isEqualTo("id");
      for (int run = 0; run < 2; run++) {
        try (ResultSet rows = query.executeQuery()) {
          assertThat(count(rows)).isEqualTo(3);
        }
      }
    }
    try (PreparedStatement update = connection.prepareStatement("DELETE FROM iceberg.demo.t")) {
      assertThat(update.executeUpdate()).isEqualTo(7);
      assertThat(update.executeUpdate()).isEqualTo(7);
    }
  }

  @Test
  void largeResultsStreamInSeveralBatches() throws SQLException {
    long rows = 200_000;
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT RANGE(" + rows + ")")) {
      long count = 0;
      long sum = 0;
      while (result.next()) {
        assertThat(result.getLong(1)).isEqualTo(count);
        sum += result.getLong(1);
        count++;
      }
      assertThat(count).isEqualTo(rows);
      assertThat(sum).isEqualTo(rows * (rows - 1) / 2);
    }
  }

  @Test
  void emptyResultHasColumnsAndNoRows() throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT EMPTY")) {
      assertThat(rows.getMetaData().getColumnName(1)).isEqualTo("x");
      assertThat(rows.next()).isFalse();
    }
  }

  @Test
  void userErrorsCarryTheMessageAndPositionAndTheConnectionSurvives() throws SQLException {
    try (Statement statement = connection.createStatement()) {
      assertThatThrownBy(() -> statement.executeQuery("FAIL SELECT * FROM nope"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("unknown table 'nope' (at line 1, column 6)");
    }
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT * FROM iceberg.demo.t")) {
      assertThat(count(rows)).isEqualTo(3);
    }
  }

  @Test
  void internalErrorsHideTheirDetailsAndTheConnectionSurvives() throws SQLException {
    try (Statement statement = connection.createStatement()) {
      assertThatThrownBy(() -> count(statement.executeQuery("SELECT BROKEN")))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("internal error in the Tidewater server")
          .satisfies(e -> assertThat(allMessages(e)).doesNotContain("kaboom"));
      assertThatThrownBy(() -> count(statement.executeQuery("SELECT UNAVAILABLE")))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("object store s3://bucket is unreachable");
      try (ResultSet rows = statement.executeQuery("SELECT * FROM iceberg.demo.t")) {
        assertThat(count(rows)).isEqualTo(3);
      }
    }
  }

  @Test
  void wrongPasswordIsRefusedAndTheServerServesTheNextLogin() throws SQLException {
    assertThatThrownBy(() -> connect("wrong").close())
        .isInstanceOf(SQLException.class)
        .satisfies(e -> assertThat(allMessages(e)).contains("invalid user or password"));
    try (Connection again = connect(FakeGateway.PASSWORD);
        Statement statement = again.createStatement();
        ResultSet rows = statement.executeQuery("SELECT * FROM iceberg.demo.t")) {
      assertThat(count(rows)).isEqualTo(3);
    }
  }

  @Test
  void serverInformationIsComplete() throws SQLException {
    DatabaseMetaData metadata = connection.getMetaData();
    assertThat(metadata.getDatabaseProductName()).isEqualTo("Tidewater");
    assertThat(metadata.getDatabaseProductVersion()).isNotBlank().doesNotContain("${");
    assertThat(metadata.getIdentifierQuoteString()).isEqualTo("\"");
    assertThat(metadata.getSearchStringEscape()).isEqualTo("\\");
    assertThat(metadata.getSQLKeywords()).contains("LOAD", "CONTRACT");
    assertThat(metadata.getNumericFunctions()).contains("ABS");
    assertThat(metadata.getStringFunctions()).contains("SUBSTRING");
    assertThat(metadata.getTimeDateFunctions()).contains("TIMESTAMPADD");
    assertThat(metadata.getSystemFunctions()).contains("IFNULL");
    assertThat(metadata.getMaxColumnsInTable()).isZero();
    assertThat(metadata.getMaxStatementLength()).isZero();
    assertThat(metadata.isReadOnly()).isFalse();
    assertThat(metadata.supportsTransactions()).isFalse();
    assertThat(metadata.getDefaultTransactionIsolation()).isEqualTo(Connection.TRANSACTION_NONE);
    assertThat(metadata.supportsGroupBy()).isTrue();
    assertThat(metadata.supportsUnionAll()).isTrue();
    assertThat(metadata.supportsConvert()).isTrue();
    assertThat(metadata.supportsResultSetType(ResultSet.TYPE_FORWARD_ONLY)).isTrue();
    assertThat(metadata.getSchemaTerm()).isEqualTo("namespace");
  }

  /** DBeaver reads many of these; with a key missing the driver fails on a null. */
  @Test
  void everyDatabaseMetaDataPropertyAnswers() throws Exception {
    DatabaseMetaData metadata = connection.getMetaData();
    List<String> called = new ArrayList<>();
    for (Method method : DatabaseMetaData.class.getMethods()) {
      Class<?> type = method.getReturnType();
      boolean property =
          type == boolean.class || type == int.class || type == long.class || type == String.class;
      if (method.getParameterCount() == 0
          && property
          && !Modifier.isStatic(method.getModifiers())) {
        method.invoke(metadata);
        called.add(method.getName());
      }
    }
    assertThat(called).contains("getMaxColumnsInTable", "supportsANSI92EntryLevelSQL");
  }

  @Test
  void catalogsNamespacesAndTableTypes() throws SQLException {
    DatabaseMetaData metadata = connection.getMetaData();
    assertThat(column(metadata.getCatalogs(), "TABLE_CAT")).containsExactly("iceberg", "lake");
    assertThat(column(metadata.getSchemas(), "TABLE_SCHEM"))
        .containsExactly("demo", "demo_x", "demoax", "system", "raw");
    assertThat(column(metadata.getSchemas("iceberg", "demo%"), "TABLE_SCHEM"))
        .containsExactly("demo", "demo_x", "demoax");
    assertThat(column(metadata.getSchemas("iceberg", "demo_x"), "TABLE_SCHEM"))
        .containsExactly("demo_x", "demoax");
    assertThat(column(metadata.getSchemas("iceberg", "demo\\_x"), "TABLE_SCHEM"))
        .containsExactly("demo_x");
    assertThat(column(metadata.getSchemas("lake", null), "TABLE_CATALOG")).containsExactly("lake");
    assertThat(column(metadata.getTableTypes(), "TABLE_TYPE"))
        .containsExactly("SYSTEM TABLE", "TABLE");
  }

  @Test
  void tablesByPatternAndType() throws SQLException {
    DatabaseMetaData metadata = connection.getMetaData();
    assertThat(column(metadata.getTables(null, "demo", "%", null), "TABLE_NAME"))
        .containsExactly("orders", "t");
    assertThat(column(metadata.getTables("iceberg", "%", "t_", null), "TABLE_NAME"))
        .containsExactly("t2", "t3");
    assertThat(
            column(
                metadata.getTables(null, null, null, new String[] {"SYSTEM TABLE"}), "TABLE_NAME"))
        .containsExactly("loads");
    assertThat(column(metadata.getTables("lake", null, null, null), "TABLE_NAME"))
        .containsExactly("events");
    try (ResultSet tables = metadata.getTables("iceberg", "demo", "t", null)) {
      assertThat(tables.next()).isTrue();
      assertThat(tables.getString("TABLE_CAT")).isEqualTo("iceberg");
      assertThat(tables.getString("TABLE_SCHEM")).isEqualTo("demo");
      assertThat(tables.getString("TABLE_TYPE")).isEqualTo("TABLE");
      assertThat(tables.next()).isFalse();
    }
  }

  @Test
  void columnsCarryTypeNamesPrecisionScaleAndRemarks() throws SQLException {
    DatabaseMetaData metadata = connection.getMetaData();
    try (ResultSet columns = metadata.getColumns("iceberg", "demo", "t", null)) {
      List<String> names = new ArrayList<>();
      while (columns.next()) {
        String name = columns.getString("COLUMN_NAME");
        names.add(name);
        switch (name) {
          case "id" -> {
            assertThat(columns.getString("TYPE_NAME")).isEqualTo("BIGINT");
            assertThat(columns.getInt("DATA_TYPE")).isEqualTo(java.sql.Types.BIGINT);
            assertThat(columns.getInt("NULLABLE")).isEqualTo(DatabaseMetaData.columnNoNulls);
            assertThat(columns.getString("IS_NULLABLE")).isEqualTo("NO");
            assertThat(columns.getInt("ORDINAL_POSITION")).isEqualTo(1);
          }
          case "name" -> {
            assertThat(columns.getString("TYPE_NAME")).isEqualTo("VARCHAR");
            assertThat(columns.getString("REMARKS")).isEqualTo("customer name");
          }
          case "amount" -> {
            assertThat(columns.getString("TYPE_NAME")).isEqualTo("DECIMAL");
            assertThat(columns.getInt("COLUMN_SIZE")).isEqualTo(12);
            assertThat(columns.getInt("DECIMAL_DIGITS")).isEqualTo(2);
          }
          case "ts" -> {
            assertThat(columns.getString("TYPE_NAME")).isEqualTo("TIMESTAMP");
            assertThat(columns.getInt("DECIMAL_DIGITS")).isEqualTo(6);
          }
          default -> assertThat(columns.getString("TYPE_NAME")).isNotBlank();
        }
      }
      assertThat(names).containsExactly("id", "name", "amount", "price", "active", "day", "ts");
    }
    assertThat(column(metadata.getColumns("iceberg", "demo", "t", "a%"), "COLUMN_NAME"))
        .containsExactly("amount", "active");
  }

  /** The 18.3 driver gives an empty metadata result no columns; the rows are what count. */
  @Test
  void keysAreEmpty() throws SQLException {
    DatabaseMetaData metadata = connection.getMetaData();
    try (ResultSet keys = metadata.getPrimaryKeys("iceberg", "demo", "t")) {
      assertThat(keys.next()).isFalse();
    }
    try (ResultSet keys = metadata.getImportedKeys("iceberg", "demo", "t")) {
      assertThat(keys.next()).isFalse();
    }
    try (ResultSet keys = metadata.getExportedKeys("iceberg", "demo", "t")) {
      assertThat(keys.next()).isFalse();
    }
    try (ResultSet keys =
        metadata.getCrossReference("iceberg", "demo", "t", "iceberg", "demo", "orders")) {
      assertThat(keys.next()).isFalse();
    }
  }

  /** The 18.3 driver answers getTypeInfo from Avatica without asking; it must not fail. */
  @Test
  void typeInfoAnswers() throws SQLException {
    try (ResultSet types = connection.getMetaData().getTypeInfo()) {
      assertThat(types.getMetaData().getColumnCount()).isEqualTo(18);
    }
  }

  private static int count(ResultSet rows) throws SQLException {
    int count = 0;
    while (rows.next()) {
      count++;
    }
    return count;
  }

  private static List<String> column(ResultSet rows, String name) throws SQLException {
    try (rows) {
      List<String> values = new ArrayList<>();
      while (rows.next()) {
        values.add(rows.getString(name));
      }
      return values;
    }
  }

  private static String allMessages(Throwable error) {
    StringBuilder messages = new StringBuilder();
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      messages.append(cause.getMessage()).append('\n');
    }
    return messages.toString();
  }
}
