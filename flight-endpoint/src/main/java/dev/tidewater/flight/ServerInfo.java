package dev.tidewater.flight;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.flight.sql.FlightSqlProducer.Schemas;
import org.apache.arrow.flight.sql.SqlInfoBuilder;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlInfo;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlNullOrdering;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlOuterJoinsSupportLevel;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedCaseSensitivity;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedElementActions;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedGroupBy;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedResultSetType;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedSubqueries;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedTransaction;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedUnions;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlTransactionIsolationLevel;
import org.apache.arrow.flight.sql.impl.FlightSql.SupportedAnsi92SqlGrammarLevel;
import org.apache.arrow.flight.sql.impl.FlightSql.SupportedSqlGrammar;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The answers to {@code GetSqlInfo}: every key the Flight SQL JDBC driver's {@code
 * DatabaseMetaData} reads, so that DBeaver and other JDBC tools see a complete server. Each key
 * sits next to the value it gets, so the set of answered keys cannot drift from the values.
 */
final class ServerInfo {
  static final String SERVER_NAME = "Tidewater";

  /** Keywords of Tidewater's SQL beyond SQL:2003, for {@code getSQLKeywords}. */
  static final List<String> KEYWORDS =
      List.of(
          "BACKFILL",
          "BRANCH",
          "CATALOGS",
          "CONTRACT",
          "CONTRACTS",
          "DEDUP",
          "DESCRIBE",
          "DISPOSITION",
          "EXPLAIN",
          "INCREMENTAL",
          "LAG",
          "LIMIT",
          "LOAD",
          "LOADS",
          "NAMESPACE",
          "NAMESPACES",
          "OFFSET",
          "PARTITIONED",
          "PUBLISH",
          "PURGE",
          "QUARANTINE",
          "REPLACE",
          "SHOW",
          "SOURCE",
          "SOURCES",
          "TABLES",
          "VALIDATE");

  // The JDBC escape functions Calcite implements (SqlJdbcFunctionCall).
  static final List<String> NUMERIC_FUNCTIONS =
      List.of(
          "ABS",
          "ACOS",
          "ASIN",
          "ATAN",
          "ATAN2",
          "CBRT",
          "CEILING",
          "COS",
          "COT",
          "DEGREES",
          "EXP",
          "FLOOR",
          "LOG",
          "LOG10",
          "MOD",
          "PI",
          "POWER",
          "RADIANS",
          "RAND",
          "ROUND",
          "SIGN",
          "SIN",
          "SQRT",
          "TAN",
          "TRUNCATE");
  static final List<String> STRING_FUNCTIONS =
      List.of(
          "ASCII",
          "CHAR",
          "CONCAT",
          "DIFFERENCE",
          "INSERT",
          "LCASE",
          "LEFT",
          "LENGTH",
          "LOCATE",
          "LTRIM",
          "REPEAT",
          "REPLACE",
          "RIGHT",
          "RTRIM",
          "SOUNDEX",
          "SPACE",
          "SUBSTRING",
          "UCASE");
  static final List<String> SYSTEM_FUNCTIONS = List.of("CONVERT", "DATABASE", "IFNULL", "USER");
  static final List<String> DATETIME_FUNCTIONS =
      List.of(
          "CURDATE",
          "CURTIME",
          "DAYNAME",
          "DAYOFMONTH",
          "DAYOFWEEK",
          "DAYOFYEAR",
          "HOUR",
          "MINUTE",
          "MONTH",
          "MONTHNAME",
          "NOW",
          "QUARTER",
          "SECOND",
          "TIMESTAMPADD",
          "TIMESTAMPDIFF",
          "WEEK",
          "YEAR");

  private final SqlInfoBuilder builder = new SqlInfoBuilder();
  private final Set<Integer> keys;

  ServerInfo() {
    Map<SqlInfo, Consumer<SqlInfoBuilder>> entries = entries(tidewaterVersion(), arrowVersion());
    entries.values().forEach(entry -> entry.accept(builder));
    keys =
        entries.keySet().stream().map(SqlInfo::getNumber).collect(Collectors.toUnmodifiableSet());
  }

  /** The keys this server answers. */
  Set<Integer> keys() {
    return keys;
  }

  /** Sends the requested keys that this server knows (all of them when none are requested). */
  void send(List<Integer> requested, ServerStreamListener listener, BufferAllocator allocator) {
    List<Integer> known = new ArrayList<>();
    for (Integer key : requested) {
      if (keys.contains(key)) {
        known.add(key);
      }
    }
    if (!requested.isEmpty() && known.isEmpty()) {
      // The builder would read an empty list as "all keys".
      new MetadataTable(Schemas.GET_SQL_INFO_SCHEMA).send(listener, allocator);
      return;
    }
    builder.send(known, listener);
  }

  private static Map<SqlInfo, Consumer<SqlInfoBuilder>> entries(String version, String arrow) {
    Map<SqlInfo, Consumer<SqlInfoBuilder>> e = new LinkedHashMap<>();
    // The server
    e.put(SqlInfo.FLIGHT_SQL_SERVER_NAME, b -> b.withFlightSqlServerName(SERVER_NAME));
    e.put(SqlInfo.FLIGHT_SQL_SERVER_VERSION, b -> b.withFlightSqlServerVersion(version));
    e.put(SqlInfo.FLIGHT_SQL_SERVER_ARROW_VERSION, b -> b.withFlightSqlServerArrowVersion(arrow));
    e.put(SqlInfo.FLIGHT_SQL_SERVER_READ_ONLY, b -> b.withFlightSqlServerReadOnly(false));
    e.put(SqlInfo.FLIGHT_SQL_SERVER_SQL, b -> b.withFlightSqlServerSql(true));
    e.put(SqlInfo.FLIGHT_SQL_SERVER_SUBSTRAIT, b -> b.withFlightSqlServerSubstrait(false));
    e.put(
        SqlInfo.FLIGHT_SQL_SERVER_TRANSACTION,
        b ->
            b.withFlightSqlServerTransaction(
                SqlSupportedTransaction.SQL_SUPPORTED_TRANSACTION_NONE));
    e.put(SqlInfo.FLIGHT_SQL_SERVER_CANCEL, b -> b.withFlightSqlServerCancel(true));
    e.put(SqlInfo.FLIGHT_SQL_SERVER_BULK_INGESTION, b -> b.withFlightSqlServerBulkIngestion(true));
    e.put(
        SqlInfo.FLIGHT_SQL_SERVER_INGEST_TRANSACTIONS_SUPPORTED,
        b -> b.withFlightSqlServerBulkIngestionTransaction(false));
    e.put(
        SqlInfo.FLIGHT_SQL_SERVER_STATEMENT_TIMEOUT, b -> b.withFlightSqlServerStatementTimeout(0));
    e.put(
        SqlInfo.FLIGHT_SQL_SERVER_TRANSACTION_TIMEOUT,
        b -> b.withFlightSqlServerTransactionTimeout(0));
    // Names and grammar
    e.put(SqlInfo.SQL_DDL_CATALOG, b -> b.withSqlDdlCatalog(false));
    e.put(SqlInfo.SQL_DDL_SCHEMA, b -> b.withSqlDdlSchema(true));
    e.put(SqlInfo.SQL_DDL_TABLE, b -> b.withSqlDdlTable(true));
    e.put(
        SqlInfo.SQL_IDENTIFIER_CASE,
        b ->
            b.withSqlIdentifierCase(
                SqlSupportedCaseSensitivity.SQL_CASE_SENSITIVITY_CASE_INSENSITIVE));
    e.put(SqlInfo.SQL_IDENTIFIER_QUOTE_CHAR, b -> b.withSqlIdentifierQuoteChar("\""));
    e.put(
        SqlInfo.SQL_QUOTED_IDENTIFIER_CASE,
        b ->
            b.withSqlQuotedIdentifierCase(
                SqlSupportedCaseSensitivity.SQL_CASE_SENSITIVITY_UNKNOWN));
    e.put(SqlInfo.SQL_ALL_TABLES_ARE_SELECTABLE, b -> b.withSqlAllTablesAreSelectable(true));
    e.put(
        SqlInfo.SQL_NULL_ORDERING,
        b -> b.withSqlNullOrdering(SqlNullOrdering.SQL_NULLS_SORTED_HIGH));
    e.put(SqlInfo.SQL_KEYWORDS, b -> b.withSqlKeywords(array(KEYWORDS)));
    e.put(SqlInfo.SQL_NUMERIC_FUNCTIONS, b -> b.withSqlNumericFunctions(array(NUMERIC_FUNCTIONS)));
    e.put(SqlInfo.SQL_STRING_FUNCTIONS, b -> b.withSqlStringFunctions(array(STRING_FUNCTIONS)));
    e.put(SqlInfo.SQL_SYSTEM_FUNCTIONS, b -> b.withSqlSystemFunctions(array(SYSTEM_FUNCTIONS)));
    e.put(
        SqlInfo.SQL_DATETIME_FUNCTIONS, b -> b.withSqlDatetimeFunctions(array(DATETIME_FUNCTIONS)));
    e.put(
        SqlInfo.SQL_SEARCH_STRING_ESCAPE,
        b -> b.withSqlSearchStringEscape(String.valueOf(LikePattern.ESCAPE)));
    e.put(SqlInfo.SQL_EXTRA_NAME_CHARACTERS, b -> b.withSqlExtraNameCharacters(""));
    e.put(SqlInfo.SQL_SCHEMA_TERM, b -> b.withSqlSchemaTerm("namespace"));
    e.put(SqlInfo.SQL_PROCEDURE_TERM, b -> b.withSqlProcedureTerm("procedure"));
    e.put(SqlInfo.SQL_CATALOG_TERM, b -> b.withSqlCatalogTerm("catalog"));
    e.put(SqlInfo.SQL_CATALOG_AT_START, b -> b.withSqlCatalogAtStart(true));
    e.put(
        SqlInfo.SQL_SUPPORTED_GRAMMAR,
        b ->
            b.withSqlSupportedGrammar(
                SupportedSqlGrammar.SQL_MINIMUM_GRAMMAR, SupportedSqlGrammar.SQL_CORE_GRAMMAR));
    e.put(
        SqlInfo.SQL_ANSI92_SUPPORTED_LEVEL,
        b -> b.withSqlAnsi92SupportedLevel(SupportedAnsi92SqlGrammarLevel.ANSI92_ENTRY_SQL));
    // Query features (Calcite's)
    e.put(SqlInfo.SQL_SUPPORTS_COLUMN_ALIASING, b -> b.withSqlSupportsColumnAliasing(true));
    e.put(SqlInfo.SQL_NULL_PLUS_NULL_IS_NULL, b -> b.withSqlNullPlusNullIsNull(true));
    e.put(SqlInfo.SQL_SUPPORTS_CONVERT, b -> b.withSqlSupportsConvert(conversions()));
    e.put(
        SqlInfo.SQL_SUPPORTS_TABLE_CORRELATION_NAMES,
        b -> b.withSqlSupportsTableCorrelationNames(true));
    e.put(
        SqlInfo.SQL_SUPPORTS_DIFFERENT_TABLE_CORRELATION_NAMES,
        b -> b.withSqlSupportsDifferentTableCorrelationNames(true));
    e.put(
        SqlInfo.SQL_SUPPORTS_EXPRESSIONS_IN_ORDER_BY,
        b -> b.withSqlSupportsExpressionsInOrderBy(true));
    e.put(SqlInfo.SQL_SUPPORTS_ORDER_BY_UNRELATED, b -> b.withSqlSupportsOrderByUnrelated(true));
    e.put(
        SqlInfo.SQL_SUPPORTED_GROUP_BY,
        b ->
            b.withSqlSupportedGroupBy(
                SqlSupportedGroupBy.SQL_GROUP_BY_UNRELATED,
                SqlSupportedGroupBy.SQL_GROUP_BY_BEYOND_SELECT));
    e.put(SqlInfo.SQL_SUPPORTS_LIKE_ESCAPE_CLAUSE, b -> b.withSqlSupportsLikeEscapeClause(true));
    e.put(
        SqlInfo.SQL_SUPPORTS_NON_NULLABLE_COLUMNS, b -> b.withSqlSupportsNonNullableColumns(true));
    e.put(
        SqlInfo.SQL_SUPPORTS_INTEGRITY_ENHANCEMENT_FACILITY,
        b -> b.withSqlSupportsIntegrityEnhancementFacility(false));
    e.put(
        SqlInfo.SQL_OUTER_JOINS_SUPPORT_LEVEL,
        b ->
            b.withSqlOuterJoinSupportLevel(
                SqlOuterJoinsSupportLevel.SQL_LIMITED_OUTER_JOINS,
                SqlOuterJoinsSupportLevel.SQL_FULL_OUTER_JOINS));
    e.put(
        SqlInfo.SQL_SCHEMAS_SUPPORTED_ACTIONS, b -> b.withSqlSchemasSupportedActions(noActions()));
    e.put(
        SqlInfo.SQL_CATALOGS_SUPPORTED_ACTIONS,
        b -> b.withSqlCatalogsSupportedActions(noActions()));
    e.put(SqlInfo.SQL_SUPPORTED_POSITIONED_COMMANDS, b -> b.withSqlSupportedPositionedCommands());
    e.put(SqlInfo.SQL_SELECT_FOR_UPDATE_SUPPORTED, b -> b.withSqlSelectForUpdateSupported(false));
    e.put(SqlInfo.SQL_STORED_PROCEDURES_SUPPORTED, b -> b.withSqlStoredProceduresSupported(false));
    e.put(
        SqlInfo.SQL_SUPPORTED_SUBQUERIES,
        b ->
            b.withSqlSubQueriesSupported(
                SqlSupportedSubqueries.SQL_SUBQUERIES_IN_COMPARISONS,
                SqlSupportedSubqueries.SQL_SUBQUERIES_IN_EXISTS,
                SqlSupportedSubqueries.SQL_SUBQUERIES_IN_INS,
                SqlSupportedSubqueries.SQL_SUBQUERIES_IN_QUANTIFIEDS));
    e.put(
        SqlInfo.SQL_CORRELATED_SUBQUERIES_SUPPORTED,
        b -> b.withSqlCorrelatedSubqueriesSupported(true));
    e.put(
        SqlInfo.SQL_SUPPORTED_UNIONS,
        b ->
            b.withSqlSupportedUnions(
                SqlSupportedUnions.SQL_UNION, SqlSupportedUnions.SQL_UNION_ALL));
    // Limits: 0 means no limit or unknown, as in JDBC
    e.put(SqlInfo.SQL_MAX_BINARY_LITERAL_LENGTH, b -> b.withSqlMaxBinaryLiteralLength(0));
    e.put(SqlInfo.SQL_MAX_CHAR_LITERAL_LENGTH, b -> b.withSqlMaxCharLiteralLength(0));
    e.put(SqlInfo.SQL_MAX_COLUMN_NAME_LENGTH, b -> b.withSqlMaxColumnNameLength(0));
    e.put(SqlInfo.SQL_MAX_COLUMNS_IN_GROUP_BY, b -> b.withSqlMaxColumnsInGroupBy(0));
    e.put(SqlInfo.SQL_MAX_COLUMNS_IN_INDEX, b -> b.withSqlMaxColumnsInIndex(0));
    e.put(SqlInfo.SQL_MAX_COLUMNS_IN_ORDER_BY, b -> b.withSqlMaxColumnsInOrderBy(0));
    e.put(SqlInfo.SQL_MAX_COLUMNS_IN_SELECT, b -> b.withSqlMaxColumnsInSelect(0));
    e.put(SqlInfo.SQL_MAX_COLUMNS_IN_TABLE, b -> b.withSqlMaxColumnsInTable(0));
    e.put(SqlInfo.SQL_MAX_CONNECTIONS, b -> b.withSqlMaxConnections(SessionRegistry.MAX_SESSIONS));
    e.put(SqlInfo.SQL_MAX_CURSOR_NAME_LENGTH, b -> b.withSqlMaxCursorNameLength(0));
    e.put(SqlInfo.SQL_MAX_INDEX_LENGTH, b -> b.withSqlMaxIndexLength(0));
    e.put(SqlInfo.SQL_DB_SCHEMA_NAME_LENGTH, b -> b.withSqlDbSchemaNameLength(0));
    e.put(SqlInfo.SQL_MAX_PROCEDURE_NAME_LENGTH, b -> b.withSqlMaxProcedureNameLength(0));
    e.put(SqlInfo.SQL_MAX_CATALOG_NAME_LENGTH, b -> b.withSqlMaxCatalogNameLength(0));
    e.put(SqlInfo.SQL_MAX_ROW_SIZE, b -> b.withSqlMaxRowSize(0));
    e.put(SqlInfo.SQL_MAX_ROW_SIZE_INCLUDES_BLOBS, b -> b.withSqlMaxRowSizeIncludesBlobs(false));
    e.put(SqlInfo.SQL_MAX_STATEMENT_LENGTH, b -> b.withSqlMaxStatementLength(0));
    e.put(SqlInfo.SQL_MAX_STATEMENTS, b -> b.withSqlMaxStatements(0));
    e.put(SqlInfo.SQL_MAX_TABLE_NAME_LENGTH, b -> b.withSqlMaxTableNameLength(0));
    e.put(SqlInfo.SQL_MAX_TABLES_IN_SELECT, b -> b.withSqlMaxTablesInSelect(0));
    e.put(SqlInfo.SQL_MAX_USERNAME_LENGTH, b -> b.withSqlMaxUsernameLength(0));
    // Transactions: none; every statement commits on its own
    e.put(
        SqlInfo.SQL_DEFAULT_TRANSACTION_ISOLATION,
        b -> b.withSqlDefaultTransactionIsolation(Connection.TRANSACTION_NONE));
    e.put(SqlInfo.SQL_TRANSACTIONS_SUPPORTED, b -> b.withSqlTransactionsSupported(false));
    e.put(
        SqlInfo.SQL_SUPPORTED_TRANSACTIONS_ISOLATION_LEVELS,
        b ->
            b.withSqlSupportedTransactionsIsolationLevels(
                SqlTransactionIsolationLevel.SQL_TRANSACTION_NONE));
    e.put(
        SqlInfo.SQL_DATA_DEFINITION_CAUSES_TRANSACTION_COMMIT,
        b -> b.withSqlDataDefinitionCausesTransactionCommit(false));
    e.put(
        SqlInfo.SQL_DATA_DEFINITIONS_IN_TRANSACTIONS_IGNORED,
        b -> b.withSqlDataDefinitionsInTransactionsIgnored(false));
    e.put(
        SqlInfo.SQL_SUPPORTED_RESULT_SET_TYPES,
        b ->
            b.withSqlSupportedResultSetTypes(
                SqlSupportedResultSetType.SQL_RESULT_SET_TYPE_FORWARD_ONLY));
    e.put(SqlInfo.SQL_BATCH_UPDATES_SUPPORTED, b -> b.withSqlBatchUpdatesSupported(false));
    e.put(SqlInfo.SQL_SAVEPOINTS_SUPPORTED, b -> b.withSqlSavepointsSupported(false));
    e.put(SqlInfo.SQL_NAMED_PARAMETERS_SUPPORTED, b -> b.withSqlNamedParametersSupported(false));
    e.put(SqlInfo.SQL_LOCATORS_UPDATE_COPY, b -> b.withSqlLocatorsUpdateCopy(false));
    e.put(
        SqlInfo.SQL_STORED_FUNCTIONS_USING_CALL_SYNTAX_SUPPORTED,
        b -> b.withSqlStoredFunctionsUsingCallSyntaxSupported(false));
    return e;
  }

  /** CAST conversions: among numbers, to and from strings, and among dates and timestamps. */
  private static Map<Integer, List<Integer>> conversions() {
    List<Integer> numbers =
        List.of(
            SqlSupportsConvert.SQL_CONVERT_TINYINT_VALUE,
            SqlSupportsConvert.SQL_CONVERT_SMALLINT_VALUE,
            SqlSupportsConvert.SQL_CONVERT_INTEGER_VALUE,
            SqlSupportsConvert.SQL_CONVERT_BIGINT_VALUE,
            SqlSupportsConvert.SQL_CONVERT_REAL_VALUE,
            SqlSupportsConvert.SQL_CONVERT_FLOAT_VALUE,
            SqlSupportsConvert.SQL_CONVERT_DECIMAL_VALUE,
            SqlSupportsConvert.SQL_CONVERT_NUMERIC_VALUE);
    List<Integer> strings =
        List.of(
            SqlSupportsConvert.SQL_CONVERT_CHAR_VALUE,
            SqlSupportsConvert.SQL_CONVERT_VARCHAR_VALUE);
    List<Integer> datetimes =
        List.of(
            SqlSupportsConvert.SQL_CONVERT_DATE_VALUE,
            SqlSupportsConvert.SQL_CONVERT_TIMESTAMP_VALUE);
    List<Integer> numbersAndStrings = concat(numbers, strings);
    List<Integer> datetimesAndStrings = concat(datetimes, strings);
    List<Integer> everything =
        concat(
            concat(numbersAndStrings, datetimes),
            List.of(SqlSupportsConvert.SQL_CONVERT_BIT_VALUE));
    Map<Integer, List<Integer>> map = new LinkedHashMap<>();
    numbers.forEach(from -> map.put(from, numbersAndStrings));
    strings.forEach(from -> map.put(from, everything));
    datetimes.forEach(from -> map.put(from, datetimesAndStrings));
    map.put(
        SqlSupportsConvert.SQL_CONVERT_BIT_VALUE,
        concat(List.of(SqlSupportsConvert.SQL_CONVERT_BIT_VALUE), strings));
    return map;
  }

  private static List<Integer> concat(List<Integer> first, List<Integer> second) {
    List<Integer> all = new ArrayList<>(first);
    all.addAll(second);
    return List.copyOf(all);
  }

  private static SqlSupportedElementActions[] noActions() {
    return new SqlSupportedElementActions[0];
  }

  private static String[] array(List<String> values) {
    return values.toArray(String[]::new);
  }

  static String tidewaterVersion() {
    try (InputStream in = ServerInfo.class.getResourceAsStream("tidewater-version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String arrowVersion() {
    String version = VectorSchemaRoot.class.getPackage().getImplementationVersion();
    return version == null ? "unknown" : version;
  }
}
