package dev.tidewater.connector.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.ColumnPredicate;
import dev.tidewater.spi.Connector;
import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.ExtractRequest;
import dev.tidewater.spi.SourceObject;
import dev.tidewater.spi.Split;
import dev.tidewater.spi.TidewaterException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL's binary COPY path against the result set path over a real server: every mapped type
 * and its edge values read the same both ways, a type the decoder does not know falls back to the
 * result set, and values without an Iceberg counterpart are clear errors.
 */
class PostgresCopyTest {
  private static EmbeddedPostgres postgres;
  private static final SourceObject EDGES = new SourceObject(List.of("public", "edges"));

  private BufferAllocator allocator;

  @BeforeAll
  static void start() throws Exception {
    postgres = Services.start("embedded PostgreSQL", EmbeddedPostgres::start);
    execute(
        "CREATE TYPE mood AS ENUM ('happy', 'sad')",
        "CREATE TABLE edges (id integer PRIMARY KEY, small smallint, big bigint,"
            + " price numeric(12,2), wide numeric(30,10), ratio numeric, f4 real,"
            + " f8 double precision, flag boolean, name text, code char(3), label varchar(20),"
            + " day date, at time, ts timestamp, tstz timestamptz, uid uuid, payload bytea,"
            + " doc json, docb jsonb, tags text[], scores int[], bigs bigint[], days date[],"
            + " stamps timestamptz[], amounts numeric[], feelings mood[], feeling mood,"
            + " span interval, host inet, cash money)",
        "INSERT INTO edges VALUES (1, 7, 9000000000, 12345.67, 12345678901234567890.0123456789,"
            + " 123456789012345678901234567890.123456789, 1.5, 2.25, true, 'café', 'abc', 'x',"
            + " '2024-02-29', '13:14:15.123456', '2024-01-02 03:04:05.678901',"
            + " '2024-01-02 03:04:05.5+02', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\\x0102ff',"
            + " '{\"a\": 1}', '{\"b\": [1, 2]}', ARRAY['x', NULL, 'z'], ARRAY[1, 2],"
            + " ARRAY[9000000000, -1], ARRAY[DATE '1999-12-31', NULL],"
            + " ARRAY[TIMESTAMPTZ '1960-06-01 00:00:00.000001+00'], ARRAY[1.50, NULL, -0.001],"
            + " ARRAY['happy'::mood], 'sad', INTERVAL '1 day 2 hours', '10.0.0.1', 12.5)",
        // extremes: negative, zero, before 2000 and 1970, large magnitudes, non-finite floats
        "INSERT INTO edges VALUES (2, -32768, -9223372036854775808, -9999999999.99,"
            + " -99999999999999999999.9999999999, -0.000000000000000000001, 'NaN', '-Infinity',"
            + " false, '', '', '', '1969-12-31', '00:00:00', '1900-01-01 00:00:00',"
            + " '1969-12-31 23:59:59.999999+00', '00000000-0000-0000-0000-000000000000', '\\x',"
            + " '[]', '{}', ARRAY[]::text[], ARRAY[]::int[], NULL, NULL, NULL, NULL, NULL,"
            + " 'happy', INTERVAL '-3 seconds', '::1', -0.01)",
        "INSERT INTO edges VALUES (3, 32767, 9223372036854775807, 0.00, 0, 'NaN', 3.4e38,"
            + " 'Infinity', true, repeat('long text ', 10000), 'z', 'ünïcødé ✓',"
            + " '2999-12-31', '23:59:59.999999', '2262-04-11 23:47:16.854775',"
            + " '2100-01-01 00:00:00+14', 'ffffffff-ffff-ffff-ffff-ffffffffffff',"
            + " decode(repeat('ab', 100000), 'hex'), 'null', 'null', ARRAY[repeat('y', 70000)],"
            + " ARRAY[NULL]::int[], ARRAY[NULL, 0]::bigint[], NULL, NULL, ARRAY[0.00001]::numeric[],"
            + " NULL, NULL, NULL, NULL, NULL)",
        "INSERT INTO edges (id) VALUES (4)",
        "CREATE TABLE with_oid (id integer PRIMARY KEY, o oid, t text)",
        "INSERT INTO with_oid VALUES (1, 4000000000, 'a'), (2, NULL, NULL)",
        "CREATE TABLE bad_numbers (id integer PRIMARY KEY, amount numeric(10,2))",
        "INSERT INTO bad_numbers VALUES (1, 1.5), (2, 'NaN')",
        "CREATE TABLE bad_times (id integer PRIMARY KEY, ts timestamp)",
        "INSERT INTO bad_times VALUES (1, '2024-01-01'), (2, 'infinity')",
        "CREATE TABLE many (id bigint PRIMARY KEY, v text)",
        "INSERT INTO many SELECT g, 'v' || g FROM generate_series(1, 100000) g");
  }

  @AfterAll
  static void stop() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  @BeforeEach
  void allocate() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void release() {
    allocator.close();
  }

  static void execute(String... statements) throws SQLException {
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  private static Connector connector(String... extra) {
    Map<String, String> options = new HashMap<>();
    options.put("url", postgres.getJdbcUrl("postgres", "postgres"));
    options.put("splits", "1");
    for (int i = 0; i < extra.length; i += 2) {
      options.put(extra[i], extra[i + 1]);
    }
    return new JdbcConnectorFactory(null).create("shop_db", options);
  }

  /** The rows of a request, checking that every split went the expected way. */
  private List<List<Object>> rows(Connector connector, ExtractRequest request, boolean copy) {
    List<List<Object>> rows = new java.util.ArrayList<>();
    for (Split split : connector.plan(request)) {
      try (BatchReader reader = connector.open(split, request, allocator)) {
        assertThat(reader).isInstanceOf(copy ? PgCopyBatchReader.class : JdbcBatchReader.class);
      }
      assertThat(split.description()).contains(copy ? ": COPY (SELECT " : ": SELECT ");
      rows.addAll(Reading.rows(connector, split, request, allocator));
    }
    return rows;
  }

  @Test
  void everyTypeAndEdgeValueReadsTheSameThroughCopyAsThroughAResultSet() {
    List<List<Object>> copied;
    try (Connector connector = connector()) {
      copied = rows(connector, ExtractRequest.all(EDGES), true);
      assertThat(connector.plan(ExtractRequest.all(EDGES)).get(0).description())
          .contains("\"uid\"::text", "\"docb\"::text", "\"ratio\"::text", "\"cash\"::numeric::text")
          .contains("\"amounts\"::text[]", "\"feelings\"::text[]")
          .endsWith(") TO STDOUT (FORMAT binary)");
    }
    List<List<Object>> selected;
    try (Connector connector = connector("binary_copy", "false")) {
      selected = rows(connector, ExtractRequest.all(EDGES), false);
    }
    assertThat(copied).hasSize(4).isEqualTo(selected);
    // and the values are the right ones, not the same wrong ones
    List<Object> first = copied.get(0);
    assertThat(first.subList(0, 20))
        .containsExactly(
            "1",
            "7",
            "9000000000",
            "12345.67",
            "12345678901234567890.0123456789",
            "123456789012345678901234567890.123456789",
            "1.5",
            "2.25",
            "true",
            "café",
            "abc",
            "x",
            "19782",
            "47655123456",
            "2024-01-02T03:04:05.678901",
            "1704157445500000",
            "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
            "[1, 2, -1]",
            "{\"a\": 1}",
            "{\"b\": [1, 2]}");
    assertThat(first.subList(20, first.size()))
        .containsExactly(
            "[\"x\",null,\"z\"]",
            "[1,2]",
            "[9000000000,-1]",
            "[10956,null]",
            "[-302486399999999]",
            "[\"1.50\",null,\"-0.001\"]",
            "[\"happy\"]",
            "sad",
            "1 day 02:00:00",
            "10.0.0.1",
            "12.50");
    List<Object> second = copied.get(1);
    assertThat(second.subList(0, 10))
        .containsExactly(
            "2",
            "-32768",
            "-9223372036854775808",
            "-9999999999.99",
            "-99999999999999999999.9999999999",
            "-0.000000000000000000001",
            "NaN",
            "-Infinity",
            "false",
            "");
    assertThat(second.get(12)).isEqualTo("-1");
    assertThat(second.get(14)).isEqualTo("1900-01-01T00:00");
    assertThat(second.get(15)).isEqualTo("-1");
    assertThat(second.get(20)).isEqualTo("[]");
    List<Object> third = copied.get(2);
    assertThat(third.get(5)).isEqualTo("NaN");
    assertThat((String) third.get(9)).hasSize(100_000);
    assertThat(third.get(25)).isEqualTo("[\"0.00001\"]");
    assertThat(copied.get(3).subList(1, first.size())).allMatch(value -> value == null);
  }

  @Test
  void cursorWindowAndSplitsAreInTheCopyAndReadTheSameRows() {
    try (Connector connector = connector("splits", "3")) {
      ExtractRequest request =
          new ExtractRequest(
              new SourceObject(List.of("public", "many")),
              List.of("v", "id"),
              List.of(
                  new ColumnPredicate("id", ColumnPredicate.Operator.GREATER_THAN, 50_000L),
                  new ColumnPredicate("v", ColumnPredicate.Operator.GREATER_THAN, "v'\\")),
              4096);
      List<Split> splits = connector.plan(request);
      assertThat(splits).hasSize(3);
      assertThat(splits.get(1).description())
          .isEqualTo(
              "shop_db.public.many split 2/3: COPY (SELECT \"v\", \"id\" FROM \"public\".\"many\""
                  + " WHERE \"id\" > 50000 AND \"v\" > E'v''\\\\' AND \"id\" >= 66668 AND"
                  + " \"id\" < 83335) TO STDOUT (FORMAT binary)");
      List<List<Object>> rows = rows(connector, request, true);
      assertThat(rows).hasSize(50_000);
      assertThat(rows).extracting(row -> row.get(1)).doesNotHaveDuplicates();
      assertThat(rows.get(0)).containsExactly("v50001", "50001");
    }
  }

  @Test
  void aTypeTheDecoderDoesNotKnowReadsTheSplitAsAResultSet() {
    try (Connector connector = connector()) {
      SourceObject withOid = new SourceObject(List.of("public", "with_oid"));
      assertThat(rows(connector, ExtractRequest.all(withOid), false))
          .containsExactly(
              List.of("1", "4000000000", "a"), java.util.Arrays.asList("2", null, null));
      // without the oid column, COPY reads it
      assertThat(
              rows(connector, new ExtractRequest(withOid, List.of("t", "id"), List.of(), 10), true))
          .containsExactly(List.of("a", "1"), java.util.Arrays.asList(null, "2"));
    }
  }

  @Test
  void aFewRowsAreAResultSetThatStopsThere() {
    try (Connector connector = connector()) {
      ExtractRequest request =
          ExtractRequest.all(new SourceObject(List.of("public", "many"))).withRowLimit(5);
      assertThat(rows(connector, request, false)).hasSize(5);
    }
  }

  @Test
  void closingBeforeTheEndCancelsTheCopyAndTheConnectorReadsOn() {
    try (Connector connector = connector()) {
      ExtractRequest request =
          new ExtractRequest(
              new SourceObject(List.of("public", "many")), List.of(), List.of(), 100);
      Split split = connector.plan(request).get(0);
      try (BatchReader reader = connector.open(split, request, allocator)) {
        assertThat(reader.next()).isTrue();
        assertThat(reader.root().getRowCount()).isEqualTo(100);
      }
      assertThat(Reading.rows(connector, split, request, allocator)).hasSize(100_000);
    }
  }

  @Test
  void valuesWithoutAnIcebergCounterpartNameTheColumnAndRow() {
    try (Connector connector = connector()) {
      ExtractRequest numbers =
          new ExtractRequest(
              new SourceObject(List.of("public", "bad_numbers")), List.of(), List.of(), 10);
      assertThatThrownBy(() -> rows(connector, numbers, true))
          .isInstanceOf(TidewaterException.class)
          .satisfies(e -> assertThat(((TidewaterException) e).kind()).isEqualTo(ErrorKind.USER))
          .hasMessageContaining("source 'shop_db': shop_db.public.bad_numbers row 2")
          .hasMessageContaining("column 'amount' (numeric)")
          .hasMessageContaining("NaN");
      ExtractRequest times =
          new ExtractRequest(
              new SourceObject(List.of("public", "bad_times")), List.of(), List.of(), 10);
      assertThatThrownBy(() -> rows(connector, times, true))
          .isInstanceOf(TidewaterException.class)
          .hasMessageContaining("shop_db.public.bad_times row 2")
          .hasMessageContaining("column 'ts' (timestamp)")
          .hasMessageContaining("infinity");
    }
  }

  @Test
  void binaryCopyMustBeABoolean() {
    assertThatThrownBy(() -> connector("binary_copy", "maybe"))
        .hasMessageContaining("option 'binary_copy' must be true or false, not 'maybe'");
  }
}
