package dev.tidewater.connector.files;

import dev.tidewater.spi.TidewaterException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;

/**
 * The Arrow schema of an Avro file's writer schema: records become structs, arrays lists, maps maps
 * with VARCHAR keys, enums VARCHAR, {@code [null, T]} unions a nullable T; logical types map to
 * date, time, timestamp (with zone for {@code timestamp-*}, without for {@code local-timestamp-*}),
 * decimal and (for {@code uuid}) a 16-byte fixed binary.
 */
final class AvroSchemas {
  private AvroSchemas() {}

  static Schema toArrow(org.apache.avro.Schema schema, String file) {
    if (schema.getType() != org.apache.avro.Schema.Type.RECORD) {
      throw TidewaterException.user(
          "%s: the Avro file holds %s values, not records", file, schema.getType());
    }
    List<Field> fields = new ArrayList<>();
    for (org.apache.avro.Schema.Field field : schema.getFields()) {
      fields.add(field(field.name(), field.schema(), file));
    }
    return new Schema(fields);
  }

  /** The branch of a {@code [null, T]} union, the schema itself when it is not a union. */
  static org.apache.avro.Schema nonNull(org.apache.avro.Schema schema, String name, String file) {
    if (schema.getType() != org.apache.avro.Schema.Type.UNION) {
      return schema;
    }
    org.apache.avro.Schema branch = null;
    for (org.apache.avro.Schema type : schema.getTypes()) {
      if (type.getType() == org.apache.avro.Schema.Type.NULL) {
        continue;
      }
      if (branch != null) {
        throw TidewaterException.user(
            "%s: column '%s' is the union %s; only unions of null and one type can be loaded",
            file, name, schema);
      }
      branch = type;
    }
    if (branch == null) {
      throw TidewaterException.user("%s: column '%s' only ever holds null", file, name);
    }
    return branch;
  }

  static Field field(String name, org.apache.avro.Schema schema, String file) {
    org.apache.avro.Schema type = nonNull(schema, name, file);
    switch (type.getType()) {
      case RECORD:
        List<Field> children = new ArrayList<>();
        for (org.apache.avro.Schema.Field child : type.getFields()) {
          children.add(field(child.name(), child.schema(), file));
        }
        return new Field(name, FieldType.nullable(ArrowType.Struct.INSTANCE), children);
      case ARRAY:
        return new Field(
            name,
            FieldType.nullable(ArrowType.List.INSTANCE),
            List.of(field("element", type.getElementType(), file)));
      case MAP:
        Field value = field("value", type.getValueType(), file);
        Field entries =
            new Field(
                "entries",
                FieldType.notNullable(ArrowType.Struct.INSTANCE),
                List.of(
                    new Field("key", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null), value));
        return new Field(name, FieldType.nullable(new ArrowType.Map(false)), List.of(entries));
      default:
        return new Field(name, FieldType.nullable(primitive(type, name, file)), null);
    }
  }

  private static ArrowType primitive(org.apache.avro.Schema type, String name, String file) {
    LogicalType logical = type.getLogicalType();
    if (logical instanceof LogicalTypes.Decimal decimal) {
      if (decimal.getPrecision() > 38) {
        throw TidewaterException.user(
            "%s: column '%s' is a decimal of %d digits; at most 38 can be loaded",
            file, name, decimal.getPrecision());
      }
      return new ArrowType.Decimal(decimal.getPrecision(), decimal.getScale(), 128);
    }
    String logicalName = logical == null ? "" : logical.getName();
    switch (type.getType()) {
      case BOOLEAN:
        return ArrowType.Bool.INSTANCE;
      case INT:
        return switch (logicalName) {
          case "date" -> new ArrowType.Date(DateUnit.DAY);
          case "time-millis" -> new ArrowType.Time(TimeUnit.MICROSECOND, 64);
          default -> new ArrowType.Int(32, true);
        };
      case LONG:
        return switch (logicalName) {
          case "timestamp-millis", "timestamp-micros", "timestamp-nanos" ->
              new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC");
          case "local-timestamp-millis", "local-timestamp-micros", "local-timestamp-nanos" ->
              new ArrowType.Timestamp(TimeUnit.MICROSECOND, null);
          case "time-micros" -> new ArrowType.Time(TimeUnit.MICROSECOND, 64);
          default -> new ArrowType.Int(64, true);
        };
      case FLOAT:
        return new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
      case DOUBLE:
        return new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
      case STRING:
        return "uuid".equals(logicalName)
            ? new ArrowType.FixedSizeBinary(16)
            : ArrowType.Utf8.INSTANCE;
      case ENUM:
        return ArrowType.Utf8.INSTANCE;
      case BYTES:
        return ArrowType.Binary.INSTANCE;
      case FIXED:
        return new ArrowType.FixedSizeBinary(type.getFixedSize());
      default:
        throw TidewaterException.user(
            "%s: column '%s' is of Avro type %s, which cannot be loaded", file, name, type);
    }
  }
}
