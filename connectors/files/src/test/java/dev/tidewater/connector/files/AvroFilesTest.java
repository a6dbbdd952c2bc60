package dev.tidewater.connector.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Avro object container files written by the Avro library: types, nesting, evolved schemas. */
class AvroFilesTest {
  @TempDir Path directory;

  private static final Schema DECIMAL =
      LogicalTypes.decimal(12, 3).addToSchema(Schema.create(Schema.Type.BYTES));
  private static final Schema ADDRESS =
      SchemaBuilder.record("address")
          .fields()
          .requiredString("city")
          .optionalInt("zip")
          .endRecord();

  private static Schema schema(boolean evolved) {
    SchemaBuilder.FieldAssembler<Schema> fields =
        SchemaBuilder.record("order")
            .fields()
            .name("id")
            .type(evolved ? Schema.create(Schema.Type.LONG) : Schema.create(Schema.Type.INT))
            .noDefault()
            .optionalString("name")
            .name("amount")
            .type(DECIMAL)
            .noDefault()
            .name("at")
            .type(LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG)))
            .noDefault()
            .name("local_at")
            .type(LogicalTypes.localTimestampMicros().addToSchema(Schema.create(Schema.Type.LONG)))
            .noDefault()
            .name("key")
            .type(LogicalTypes.uuid().addToSchema(Schema.create(Schema.Type.STRING)))
            .noDefault()
            .name("status")
            .type(SchemaBuilder.enumeration("status").symbols("NEW", "DONE"))
            .noDefault()
            .name("address")
            .type(ADDRESS)
            .noDefault()
            .name("tags")
            .type(SchemaBuilder.array().items().stringType())
            .noDefault()
            .name("counts")
            .type(SchemaBuilder.map().values().intType())
            .noDefault();
    if (evolved) {
      fields = fields.optionalDouble("added");
    }
    return fields.endRecord();
  }

  private GenericRecord order(Schema schema, long id) {
    GenericRecord address = new GenericData.Record(ADDRESS);
    address.put("city", "Oslo");
    address.put("zip", id == 1 ? null : 150);
    GenericRecord record = new GenericData.Record(schema);
    record.put(
        "id", schema.getField("id").schema().getType() == Schema.Type.INT ? (Object) (int) id : id);
    record.put("name", id == 1 ? null : "n" + id);
    record.put(
        "amount",
        new Conversions.DecimalConversion()
            .toBytes(new BigDecimal("12.345"), DECIMAL, DECIMAL.getLogicalType()));
    record.put("at", 1_704_164_645_123L);
    record.put("local_at", 1_704_164_645_123_456L);
    record.put("key", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    record.put("status", new GenericData.EnumSymbol(schema.getField("status").schema(), "DONE"));
    record.put("address", address);
    record.put("tags", List.of("a", "b"));
    record.put("counts", Map.of("x", 1));
    if (schema.getField("added") != null) {
      record.put("added", 0.5);
    }
    return record;
  }

  private void write(String name, Schema schema, long... ids) throws IOException {
    try (DataFileWriter<GenericRecord> writer =
        new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(schema))) {
      writer.create(schema, directory.resolve(name).toFile());
      for (long id : ids) {
        writer.append(order(schema, id));
      }
    }
  }

  @Test
  void readsTypesNestingAndEvolvedSchemas() throws IOException {
    write("a.avro", schema(false), 1, 2);
    write("b.avro", schema(true), 3);

    SourceReading reading = SourceReading.read(Map.of("location", directory + "/*.avro"));

    assertThat(reading.schema.findField("id").getType()).isEqualTo(new ArrowType.Int(64, true));
    assertThat(reading.schema.findField("at").getType())
        .isEqualTo(new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"));
    assertThat(reading.schema.findField("local_at").getType())
        .isEqualTo(new ArrowType.Timestamp(TimeUnit.MICROSECOND, null));
    assertThat(reading.schema.findField("amount").getType())
        .isEqualTo(new ArrowType.Decimal(12, 3, 128));
    assertThat(reading.column("id")).containsExactly(1L, 2L, 3L);
    assertThat(reading.column("name")).containsExactly(null, "n2", "n3");
    assertThat(reading.column("added")).containsExactly(null, null, 0.5);
    Map<String, Object> first = reading.rows.get(0);
    assertThat(first.get("amount")).isEqualTo(new BigDecimal("12.345"));
    assertThat(first.get("at")).isEqualTo(1_704_164_645_123_000L);
    assertThat(first.get("local_at")).isEqualTo(LocalDateTime.parse("2024-01-02T03:04:05.123456"));
    assertThat((byte[]) first.get("key"))
        .isEqualTo(
            ByteBuffer.allocate(16)
                .putLong(0xa0eebc999c0b4ef8L)
                .putLong(0xbb6d6bb9bd380a11L)
                .array());
    assertThat(first.get("status")).isEqualTo("DONE");
    assertThat(first.get("address")).isEqualTo(Map.of("city", "Oslo"));
    assertThat(reading.rows.get(1).get("address")).isEqualTo(Map.of("city", "Oslo", "zip", 150));
    assertThat(first.get("tags")).isEqualTo(List.of("a", "b"));
    assertThat(first.get("counts")).isEqualTo(List.of(Map.of("key", "x", "value", 1)));
    assertThat(reading.positions)
        .containsExactly("a.avro record 1", "a.avro record 2", "b.avro record 1");

    SourceReading projected =
        SourceReading.read(Map.of("location", directory + "/*.avro"), List.of("name"), 1);
    assertThat(projected.column("name")).containsExactly(null, "n2", "n3");
    assertThat(projected.batchSizes).containsExactly(1, 1, 1);
  }

  @Test
  void aTruncatedFileIsAUserErrorNamingIt() throws IOException {
    write("whole.avro", schema(false), 1, 2);
    byte[] bytes = Files.readAllBytes(directory.resolve("whole.avro"));
    Files.write(directory.resolve("cut.avro"), Arrays.copyOf(bytes, bytes.length - 20));
    Files.write(directory.resolve("header.avro"), Arrays.copyOf(bytes, 10));

    assertThatThrownBy(() -> SourceReading.read(Map.of("location", directory + "/cut.avro")))
        .isInstanceOf(TidewaterException.class)
        .hasMessage(
            "cut.avro: not a readable Avro file: it does not end with its sync marker"
                + " (truncated?)");
    assertThatThrownBy(() -> SourceReading.read(Map.of("location", directory + "/header.avro")))
        .isInstanceOf(TidewaterException.class)
        .hasMessageStartingWith("header.avro: not a readable Avro file");
  }
}
