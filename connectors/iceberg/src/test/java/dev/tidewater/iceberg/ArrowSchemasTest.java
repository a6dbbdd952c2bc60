package dev.tidewater.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.TidewaterException;
import java.util.List;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

class ArrowSchemasTest {
  @Test
  void mapsEveryArrowTypeToAnOptionalIcebergColumn() {
    org.apache.iceberg.Schema schema = ArrowSchemas.toIceberg(AllTypes.SCHEMA);

    assertThat(schema.columns()).allSatisfy(column -> assertThat(column.isOptional()).isTrue());
    assertThat(schema.columns().stream().map(Types.NestedField::fieldId))
        .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19);
    assertThat(schema.asStruct())
        .isEqualTo(
            Types.StructType.of(
                Types.NestedField.optional(1, "id", Types.LongType.get()),
                Types.NestedField.optional(2, "small", Types.IntegerType.get()),
                Types.NestedField.optional(3, "count", Types.IntegerType.get()),
                Types.NestedField.optional(4, "flag", Types.BooleanType.get()),
                Types.NestedField.optional(5, "ratio", Types.FloatType.get()),
                Types.NestedField.optional(6, "score", Types.DoubleType.get()),
                Types.NestedField.optional(7, "amount", Types.DecimalType.of(10, 2)),
                Types.NestedField.optional(8, "tiny_amount", Types.DecimalType.of(5, 1)),
                Types.NestedField.optional(9, "big_amount", Types.DecimalType.of(25, 4)),
                Types.NestedField.optional(10, "name", Types.StringType.get()),
                Types.NestedField.optional(11, "note", Types.StringType.get()),
                Types.NestedField.optional(12, "payload", Types.BinaryType.get()),
                Types.NestedField.optional(13, "day", Types.DateType.get()),
                Types.NestedField.optional(14, "ts", Types.TimestampType.withoutZone()),
                Types.NestedField.optional(15, "ts_millis", Types.TimestampType.withoutZone()),
                Types.NestedField.optional(16, "tstz", Types.TimestampType.withZone()),
                Types.NestedField.optional(17, "tstz_nanos", Types.TimestampType.withZone()),
                Types.NestedField.optional(
                    18,
                    "address",
                    Types.StructType.of(
                        Types.NestedField.optional(20, "city", Types.StringType.get()),
                        Types.NestedField.optional(21, "zip", Types.IntegerType.get()))),
                Types.NestedField.optional(
                    19, "tags", Types.ListType.ofOptional(22, Types.StringType.get()))));
  }

  @Test
  void mapsMapsAndConvertsBackToArrow() {
    Field entries =
        new Field(
            "entries",
            FieldType.notNullable(ArrowType.Struct.INSTANCE),
            List.of(
                new Field("key", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
                AllTypes.field("value", new ArrowType.Int(64, true))));
    Schema arrow =
        new Schema(
            List.of(
                new Field(
                    "attributes", FieldType.nullable(new ArrowType.Map(false)), List.of(entries)),
                AllTypes.field("at", new ArrowType.Timestamp(TimeUnit.MILLISECOND, "Asia/Tokyo"))));

    org.apache.iceberg.Schema iceberg = ArrowSchemas.toIceberg(arrow);
    assertThat(iceberg.findType("attributes"))
        .isEqualTo(Types.MapType.ofOptional(3, 4, Types.StringType.get(), Types.LongType.get()));

    Schema back = ArrowSchemas.toArrow(iceberg);
    assertThat(back.findField("at").getType())
        .isEqualTo(new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"));
    Field map = back.findField("attributes");
    assertThat(map.getType()).isEqualTo(new ArrowType.Map(false));
    Field backEntries = map.getChildren().get(0);
    assertThat(backEntries.isNullable()).isFalse();
    assertThat(backEntries.getChildren().get(0).isNullable()).isFalse();
    assertThat(backEntries.getChildren().get(1).getType()).isEqualTo(new ArrowType.Int(64, true));
  }

  @Test
  void roundTripsEveryTypeThroughIceberg() {
    Schema back = ArrowSchemas.toArrow(ArrowSchemas.toIceberg(AllTypes.SCHEMA));

    assertThat(back.findField("small").getType()).isEqualTo(new ArrowType.Int(32, true));
    assertThat(back.findField("note").getType()).isEqualTo(ArrowType.Utf8.INSTANCE);
    assertThat(back.findField("ts_millis").getType())
        .isEqualTo(new ArrowType.Timestamp(TimeUnit.MICROSECOND, null));
    assertThat(back.findField("tstz_nanos").getType())
        .isEqualTo(new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"));
    assertThat(back.findField("amount").getType()).isEqualTo(new ArrowType.Decimal(10, 2, 128));
    assertThat(back.findField("address").getChildren())
        .extracting(Field::getName)
        .containsExactly("city", "zip");
    assertThat(back.findField("tags").getChildren().get(0).getType())
        .isEqualTo(ArrowType.Utf8.INSTANCE);
    assertThat(ArrowSchemas.toIceberg(back).asStruct())
        .isEqualTo(
            ArrowSchemas.toIceberg(AllTypes.SCHEMA).asStruct().fields().stream()
                .collect(
                    java.util.stream.Collectors.collectingAndThen(
                        java.util.stream.Collectors.toList(), Types.StructType::of)));
  }

  @Test
  void rejectsTypesIcebergCannotStoreNamingTheColumn() {
    Schema unsigned =
        new Schema(
            List.of(
                new Field(
                    "outer",
                    FieldType.nullable(ArrowType.Struct.INSTANCE),
                    List.of(AllTypes.field("counter", new ArrowType.Int(64, false))))));
    assertThatThrownBy(() -> ArrowSchemas.toIceberg(unsigned))
        .isInstanceOfSatisfying(
            TidewaterException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.USER))
        .hasMessageContaining("column 'outer.counter'")
        .hasMessageContaining("Int(64, false)");

    Schema nulls = new Schema(List.of(AllTypes.field("nothing", ArrowType.Null.INSTANCE)));
    assertThatThrownBy(() -> ArrowSchemas.toIceberg(nulls))
        .isInstanceOf(TidewaterException.class)
        .hasMessageContaining("column 'nothing'");
  }
}
