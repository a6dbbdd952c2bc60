package dev.tidewater.connector.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.spi.ColumnPredicate;
import dev.tidewater.spi.Connector;
import dev.tidewater.spi.ExtractRequest;
import dev.tidewater.spi.SourceObject;
import dev.tidewater.spi.Split;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parquet files written by DuckDB and by the Parquet library itself: types, nesting, schemas that
 * differ between files, row groups skipped by statistics, and broken files.
 */
class ParquetFilesTest {
  @TempDir Path directory;

  private void duckdb(String... statements) throws SQLException {
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql.replace("$DIR", directory.toString()));
      }
    }
  }

  @Test
  void readsTypesAndNestingWrittenByDuckDb() throws SQLException {
    duckdb(
        "COPY (SELECT 1::INTEGER AS id, 12345678901::BIGINT AS big, 'ab'::VARCHAR AS name,"
            + " 12.34::DECIMAL(10,2) AS amount, 1234567890123456789.5::DECIMAL(30,1) AS wide,"
            + " DATE '2024-02-29' AS day, TIMESTAMP '2024-01-02 03:04:05.123456' AS at,"
            + " TIMESTAMPTZ '2024-01-02 03:04:05+00' AS at_utc, 1.5::DOUBLE AS ratio,"
            + " true AS flag, '\\x01\\x02'::BLOB AS raw,"
            + " 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::UUID AS key,"
            + " {'city': 'Oslo', 'zip': 150} AS address, [1, 2, NULL] AS tags,"
            + " [{'k': 'x'}] AS items, MAP {'a': 1, 'b': 2} AS counts"
            + " UNION ALL SELECT 2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
            + " NULL, NULL, [], NULL, NULL)"
            + " TO '$DIR/typed.parquet' (FORMAT parquet)");

    SourceReading reading = SourceReading.read(Map.of("location", directory + "/*.parquet"));

    assertThat(reading.schema.getFields())
        .extracting(field -> field.getName())
        .containsExactly(
            "id", "big", "name", "amount", "wide", "day", "at", "at_utc", "ratio", "flag", "raw",
            "key", "address", "tags", "items", "counts");
    assertThat(reading.schema.findField("at").getType())
        .isEqualTo(
            new ArrowType.Timestamp(org.apache.arrow.vector.types.TimeUnit.MICROSECOND, null));
    assertThat(reading.schema.findField("at_utc").getType())
        .isEqualTo(
            new ArrowType.Timestamp(org.apache.arrow.vector.types.TimeUnit.MICROSECOND, "UTC"));
    assertThat(reading.schema.findField("key").getType())
        .isEqualTo(new ArrowType.FixedSizeBinary(16));
    assertThat(reading.schema.findField("counts").getType()).isInstanceOf(ArrowType.Map.class);
    assertThat(reading.rows).hasSize(2);
    Map<String, Object> first = reading.rows.get(0);
    assertThat(first.get("id")).isEqualTo(1);
    assertThat(first.get("big")).isEqualTo(12345678901L);
    assertThat(first.get("name")).isEqualTo("ab");
    assertThat(first.get("amount")).isEqualTo(new BigDecimal("12.34"));
    assertThat(first.get("wide")).isEqualTo(new BigDecimal("1234567890123456789.5"));
    assertThat(first.get("day")).isEqualTo((int) LocalDate.parse("2024-02-29").toEpochDay());
    assertThat(first.get("at")).isEqualTo(LocalDateTime.parse("2024-01-02T03:04:05.123456"));
    assertThat(first.get("ratio")).isEqualTo(1.5);
    assertThat(first.get("flag")).isEqualTo(true);
    assertThat((byte[]) first.get("raw")).containsExactly(1, 2);
    assertThat((byte[]) first.get("key")).hasSize(16).startsWith((byte) 0xa0, (byte) 0xee);
    assertThat(first.get("address")).isEqualTo(Map.of("city", "Oslo", "zip", 150));
    assertThat(first.get("tags")).isEqualTo(Arrays.asList(1, 2, null));
    assertThat(first.get("items")).isEqualTo(List.of(Map.of("k", "x")));
    assertThat(first.get("counts"))
        .isEqualTo(List.of(Map.of("key", "a", "value", 1), Map.of("key", "b", "value", 2)));
    Map<String, Object> second = reading.rows.get(1);
    assertThat(second.get("id")).isEqualTo(2);
    assertThat(second.get("name")).isNull();
    assertThat(second.get("address")).isNull();
    assertThat(second.get("tags")).isEqualTo(List.of());
    assertThat(second.get("counts")).isNull();
    assertThat(reading.positions).containsExactly("typed.parquet row 1", "typed.parquet row 2");
  }

  @Test
  void unifiesFilesWhoseSchemasEvolved() throws IOException {
    MessageType older =
        MessageTypeParser.parseMessageType(
            "message m { required int32 id; optional float score; optional group info {"
                + " optional binary note (STRING); } optional group legacy (LIST) {"
                + " repeated int32 array; } }");
    MessageType newer =
        MessageTypeParser.parseMessageType(
            "message m { required int64 id; optional double score; optional group info {"
                + " optional binary note (STRING); optional int32 level; }"
                + " optional binary added (STRING); }");
    write(
        directory.resolve("a.parquet"),
        older,
        3,
        (factory, i) -> {
          Group row = factory.newGroup().append("id", i).append("score", i + 0.5f);
          row.addGroup("info").append("note", "n" + i);
          Group legacy = row.addGroup("legacy");
          legacy.append("array", i);
          legacy.append("array", i * 10);
          return row;
        });
    write(
        directory.resolve("b.parquet"),
        newer,
        2,
        (factory, i) -> {
          Group row = factory.newGroup().append("id", 100L + i).append("score", 0.25);
          row.addGroup("info").append("level", i);
          return row.append("added", "x" + i);
        });

    SourceReading reading = SourceReading.read(Map.of("location", directory + "/*.parquet"));

    assertThat(reading.types())
        .containsExactly(
            Map.entry("id", "BIGINT"),
            Map.entry("score", "DOUBLE"),
            Map.entry("info", "ROW"),
            Map.entry("legacy", "INTEGER ARRAY"),
            Map.entry("added", "VARCHAR"));
    assertThat(reading.column("id")).containsExactly(0L, 1L, 2L, 100L, 101L);
    assertThat(reading.column("score")).containsExactly(0.5, 1.5, 2.5, 0.25, 0.25);
    assertThat(reading.column("legacy"))
        .containsExactly(List.of(0, 0), List.of(1, 10), List.of(2, 20), null, null);
    assertThat(reading.column("added")).containsExactly(null, null, null, "x0", "x1");
    assertThat(reading.rows.get(1).get("info")).isEqualTo(Map.of("note", "n1"));
    assertThat(reading.rows.get(4).get("info")).isEqualTo(Map.of("level", 1));

    SourceReading projected =
        SourceReading.read(Map.of("location", directory + "/*.parquet"), List.of("added"), 2);
    assertThat(projected.readSchema.getFields()).hasSize(1);
    assertThat(projected.column("added")).containsExactly(null, null, null, "x0", "x1");
    assertThat(projected.batchSizes).containsExactly(2, 1, 2);
  }

  @Test
  void incompatibleSchemasNameTheColumnAndBothFiles() throws IOException {
    MessageType text =
        MessageTypeParser.parseMessageType("message m { optional binary id (STRING); }");
    MessageType number = MessageTypeParser.parseMessageType("message m { optional int32 id; }");
    write(
        directory.resolve("a.parquet"),
        number,
        1,
        (factory, i) -> factory.newGroup().append("id", i));
    write(
        directory.resolve("b.parquet"),
        text,
        1,
        (factory, i) -> factory.newGroup().append("id", "x"));

    assertThatThrownBy(() -> SourceReading.read(Map.of("location", directory + "/*.parquet")))
        .isInstanceOf(TidewaterException.class)
        .hasMessageContaining("column 'id' is Int(32, true) in a.parquet but Utf8 in b.parquet");
  }

  @Test
  void skipsFilesAndRowGroupsWhoseMaximumIsNotPastTheCursor() throws SQLException {
    duckdb(
        "COPY (SELECT i AS id, TIMESTAMP '2024-01-01' + to_seconds(i) AS at FROM range(0, 6144) t(i))"
            + " TO '$DIR/old.parquet' (FORMAT parquet, ROW_GROUP_SIZE 2048)",
        "COPY (SELECT i AS id, TIMESTAMP '2024-01-01' + to_seconds(i) AS at FROM range(6144, 12288) t(i))"
            + " TO '$DIR/new.parquet' (FORMAT parquet, ROW_GROUP_SIZE 2048)");
    Connector connector = SourceReading.connector(Map.of("location", directory + "/*.parquet"));
    long cursor = 1_704_067_200_000_000L + 8_292L * 1_000_000; // 2024-01-01 + 8292 s, in micros
    ExtractRequest request =
        new ExtractRequest(
            SourceObject.SELF,
            List.of(),
            List.of(new ColumnPredicate("at", ColumnPredicate.Operator.GREATER_THAN, cursor)),
            10_000);

    List<Split> splits = connector.plan(request);

    assertThat(splits)
        .extracting(Split::description)
        .containsExactly(directory.resolve("new.parquet") + " (2 of 3 row group(s))");
    assertThat(connector.explain(request, splits))
        .containsExactly(
            "Parquet statistics on the cursor column: skip 1 of 2 file(s) and 4 of 6 row group(s)");
    SourceReading reading =
        SourceReading.read(
            Map.of("location", directory + "/*.parquet"),
            request,
            SourceReading.RejectionsMode.FAIL);
    assertThat(reading.rows).hasSize(4096);
    assertThat(reading.rows.get(0).get("id")).isEqualTo(8192L);
    assertThat(reading.positions.get(0)).isEqualTo("new.parquet row 2049");
  }

  @Test
  void aCorruptFileIsAUserErrorNamingIt() throws SQLException, IOException {
    duckdb(
        "COPY (SELECT i AS id FROM range(0, 100000) t(i)) TO '$DIR/whole.parquet' (FORMAT parquet)");
    byte[] bytes = Files.readAllBytes(directory.resolve("whole.parquet"));
    Files.write(directory.resolve("cut.parquet"), Arrays.copyOf(bytes, bytes.length / 2));
    byte[] scrambled = bytes.clone();
    for (int i = 8; i < bytes.length / 2; i++) {
      scrambled[i] = (byte) 0x5a;
    }
    Files.write(directory.resolve("scrambled.parquet"), scrambled);

    assertThatThrownBy(() -> SourceReading.read(Map.of("location", directory + "/cut.parquet")))
        .isInstanceOf(TidewaterException.class)
        .hasMessageStartingWith("cut.parquet: not a readable Parquet file");
    assertThatThrownBy(
            () -> SourceReading.read(Map.of("location", directory + "/scrambled.parquet")))
        .isInstanceOf(TidewaterException.class)
        .hasMessageStartingWith("scrambled.parquet: not a readable Parquet file: row group 0");
  }

  /** Makes row {@code i} of a file. */
  interface Rows {
    Group row(SimpleGroupFactory factory, int i);
  }

  private static void write(Path file, MessageType schema, int rows, Rows maker)
      throws IOException {
    SimpleGroupFactory factory = new SimpleGroupFactory(schema);
    try (ParquetWriter<Group> writer =
        ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(schema).build()) {
      for (int i = 0; i < rows; i++) {
        writer.write(maker.row(factory, i));
      }
    }
  }
}
