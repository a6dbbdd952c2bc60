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
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DecimalLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.IntLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * The Arrow schema of a Parquet file, with the types Iceberg can hold: small and unsigned integers
 * widen, timestamps become microseconds, strings, enums and JSON become VARCHAR, UUID a 16-byte
 * fixed binary, LIST and MAP groups (also the legacy two-level lists) lists and maps.
 */
final class ParquetSchemas {
  private ParquetSchemas() {}

  static Schema toArrow(MessageType schema, String file) {
    List<Field> fields = new ArrayList<>(schema.getFieldCount());
    for (Type type : schema.getFields()) {
      fields.add(field(type, file));
    }
    return new Schema(fields);
  }

  static Field field(Type type, String file) {
    String name = type.getName();
    if (type.isRepetition(Type.Repetition.REPEATED)) {
      // a repeated field outside a LIST group is a list of required elements
      return listField(name, elementOf(type, file));
    }
    if (type.isPrimitive()) {
      return new Field(name, FieldType.nullable(primitive(type.asPrimitiveType(), file)), null);
    }
    GroupType group = type.asGroupType();
    LogicalTypeAnnotation annotation = group.getLogicalTypeAnnotation();
    if (annotation instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation) {
      return listField(name, field(listElement(group, file), file));
    }
    if (annotation instanceof LogicalTypeAnnotation.MapLogicalTypeAnnotation
        || annotation instanceof LogicalTypeAnnotation.MapKeyValueTypeAnnotation) {
      GroupType entries = mapEntries(group, file);
      Field key = field(entries.getType(0), file);
      Field value = field(entries.getType(1), file);
      Field entry =
          new Field(
              "entries",
              FieldType.notNullable(ArrowType.Struct.INSTANCE),
              List.of(
                  new Field("key", FieldType.notNullable(key.getType()), key.getChildren()),
                  new Field("value", value.getFieldType(), value.getChildren())));
      return new Field(name, FieldType.nullable(new ArrowType.Map(false)), List.of(entry));
    }
    List<Field> children = new ArrayList<>(group.getFieldCount());
    for (Type child : group.getFields()) {
      children.add(field(child, file));
    }
    return new Field(name, FieldType.nullable(ArrowType.Struct.INSTANCE), children);
  }

  private static Field listField(String name, Field element) {
    Field child = new Field("element", element.getFieldType(), element.getChildren());
    return new Field(name, FieldType.nullable(ArrowType.List.INSTANCE), List.of(child));
  }

  /** The element of a repeated field that is not in a LIST group: the field itself, once. */
  private static Field elementOf(Type repeated, String file) {
    return field(requiredCopy(repeated), file);
  }

  /**
   * The element type of a LIST group, following the Parquet format's backward-compatibility rules:
   * the repeated child is the element itself when it is primitive, has several fields or is named
   * {@code array} or {@code <list>_tuple}; otherwise its one field is.
   */
  static Type listElement(GroupType list, String file) {
    if (list.getFieldCount() != 1 || !list.getType(0).isRepetition(Type.Repetition.REPEATED)) {
      throw unsupported(file, list, "a LIST group must hold one repeated field");
    }
    Type repeated = list.getType(0);
    if (isElementItself(list, repeated)) {
      return requiredCopy(repeated);
    }
    return repeated.asGroupType().getType(0);
  }

  static boolean isElementItself(GroupType list, Type repeated) {
    return repeated.isPrimitive()
        || repeated.asGroupType().getFieldCount() > 1
        || repeated.getName().equals("array")
        || repeated.getName().equals(list.getName() + "_tuple");
  }

  static Type requiredCopy(Type repeated) {
    if (repeated.isPrimitive()) {
      PrimitiveType primitive = repeated.asPrimitiveType();
      return org.apache.parquet.schema.Types.required(primitive.getPrimitiveTypeName())
          .length(primitive.getTypeLength())
          .as(primitive.getLogicalTypeAnnotation())
          .named(primitive.getName());
    }
    return org.apache.parquet.schema.Types.buildGroup(Type.Repetition.REQUIRED)
        .as(repeated.getLogicalTypeAnnotation())
        .addFields(repeated.asGroupType().getFields().toArray(new Type[0]))
        .named(repeated.getName());
  }

  static GroupType mapEntries(GroupType map, String file) {
    if (map.getFieldCount() != 1
        || map.getType(0).isPrimitive()
        || map.getType(0).asGroupType().getFieldCount() != 2) {
      throw unsupported(file, map, "a MAP group must hold one repeated group of key and value");
    }
    return map.getType(0).asGroupType();
  }

  static ArrowType primitive(PrimitiveType type, String file) {
    LogicalTypeAnnotation annotation = type.getLogicalTypeAnnotation();
    if (annotation instanceof DecimalLogicalTypeAnnotation decimal) {
      if (decimal.getPrecision() > 38) {
        throw unsupported(file, type, "decimals hold at most 38 digits");
      }
      return new ArrowType.Decimal(decimal.getPrecision(), decimal.getScale(), 128);
    }
    switch (type.getPrimitiveTypeName()) {
      case BOOLEAN:
        return ArrowType.Bool.INSTANCE;
      case INT32:
        if (annotation instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
          return new ArrowType.Date(DateUnit.DAY);
        }
        if (annotation instanceof LogicalTypeAnnotation.TimeLogicalTypeAnnotation) {
          return new ArrowType.Time(TimeUnit.MICROSECOND, 64);
        }
        if (annotation instanceof IntLogicalTypeAnnotation integer
            && !integer.isSigned()
            && integer.getBitWidth() == 32) {
          return new ArrowType.Int(64, true);
        }
        return new ArrowType.Int(32, true);
      case INT64:
        if (annotation instanceof TimestampLogicalTypeAnnotation timestamp) {
          return new ArrowType.Timestamp(
              TimeUnit.MICROSECOND, timestamp.isAdjustedToUTC() ? "UTC" : null);
        }
        if (annotation instanceof LogicalTypeAnnotation.TimeLogicalTypeAnnotation) {
          return new ArrowType.Time(TimeUnit.MICROSECOND, 64);
        }
        if (annotation instanceof IntLogicalTypeAnnotation integer && !integer.isSigned()) {
          return new ArrowType.Decimal(20, 0, 128);
        }
        return new ArrowType.Int(64, true);
      case INT96:
        return new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC");
      case FLOAT:
        return new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
      case DOUBLE:
        return new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
      case BINARY:
        if (annotation instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
            || annotation instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
            || annotation instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation) {
          return ArrowType.Utf8.INSTANCE;
        }
        return ArrowType.Binary.INSTANCE;
      case FIXED_LEN_BYTE_ARRAY:
        return new ArrowType.FixedSizeBinary(type.getTypeLength());
      default:
        throw unsupported(file, type, "unknown physical type");
    }
  }

  private static TidewaterException unsupported(String file, Type type, String reason) {
    return TidewaterException.user(
        "%s: column '%s' (%s) cannot be read: %s", file, type.getName(), type, reason);
  }
}
