package dev.tidewater.iceberg;

import dev.tidewater.spi.TidewaterException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;

/** Converts schemas between Arrow and Iceberg. */
public final class ArrowSchemas {
  static final String LIST_ELEMENT_NAME = "element";
  static final String MAP_ENTRIES_NAME = "entries";
  static final String MAP_KEY_NAME = "key";
  static final String MAP_VALUE_NAME = "value";

  private ArrowSchemas() {}

  /**
   * The Iceberg schema for an Arrow schema, with fresh field ids and every column optional (a
   * contract, not the source, decides what is required). Throws a user error naming the column for
   * an Arrow type Iceberg cannot store.
   */
  public static org.apache.iceberg.Schema toIceberg(Schema arrow) {
    AtomicInteger ids = new AtomicInteger();
    List<NestedField> fields = new ArrayList<>();
    for (Field field : arrow.getFields()) {
      fields.add(toIcebergField(field, field.getName(), ids));
    }
    // Ids are re-assigned so that top-level columns get 1..n, as Iceberg itself numbers them.
    AtomicInteger fresh = new AtomicInteger();
    return TypeUtil.assignFreshIds(new org.apache.iceberg.Schema(fields), fresh::incrementAndGet);
  }

  /**
   * The Arrow schema for an Iceberg schema: timestamps in microseconds, {@code timestamptz} with
   * zone {@code UTC}, uuid and fixed as fixed-size binary.
   */
  public static Schema toArrow(org.apache.iceberg.Schema iceberg) {
    List<Field> fields = new ArrayList<>();
    for (NestedField field : iceberg.columns()) {
      fields.add(toArrowField(field.name(), field.type(), field.isOptional()));
    }
    return new Schema(fields);
  }

  private static NestedField toIcebergField(Field field, String path, AtomicInteger ids) {
    return NestedField.optional(
        ids.incrementAndGet(), field.getName(), toIcebergType(field, path, ids));
  }

  private static Type toIcebergType(Field field, String path, AtomicInteger ids) {
    ArrowType type = field.getType();
    switch (type.getTypeID()) {
      case Bool:
        return Types.BooleanType.get();
      case Int:
        {
          ArrowType.Int integer = (ArrowType.Int) type;
          if (integer.getIsSigned() && integer.getBitWidth() <= 32) {
            return Types.IntegerType.get();
          }
          if (integer.getIsSigned() && integer.getBitWidth() == 64) {
            return Types.LongType.get();
          }
          throw unsupported(path, type);
        }
      case FloatingPoint:
        {
          FloatingPointPrecision precision = ((ArrowType.FloatingPoint) type).getPrecision();
          if (precision == FloatingPointPrecision.SINGLE) {
            return Types.FloatType.get();
          }
          if (precision == FloatingPointPrecision.DOUBLE) {
            return Types.DoubleType.get();
          }
          throw unsupported(path, type);
        }
      case Decimal:
        {
          ArrowType.Decimal decimal = (ArrowType.Decimal) type;
          if (decimal.getPrecision() > 38 || decimal.getScale() < 0) {
            throw unsupported(path, type);
          }
          return Types.DecimalType.of(decimal.getPrecision(), decimal.getScale());
        }
      case Utf8:
      case LargeUtf8:
        return Types.StringType.get();
      case Binary:
      case LargeBinary:
        return Types.BinaryType.get();
      case FixedSizeBinary:
        return Types.FixedType.ofLength(((ArrowType.FixedSizeBinary) type).getByteWidth());
      case Date:
        return Types.DateType.get();
      case Time:
        return Types.TimeType.get();
      case Timestamp:
        return ((ArrowType.Timestamp) type).getTimezone() == null
            ? Types.TimestampType.withoutZone()
            : Types.TimestampType.withZone();
      case Struct:
        {
          List<NestedField> children = new ArrayList<>();
          for (Field child : field.getChildren()) {
            children.add(toIcebergField(child, path + "." + child.getName(), ids));
          }
          if (children.isEmpty()) {
            throw unsupported(path, type);
          }
          return Types.StructType.of(children);
        }
      case List:
      case LargeList:
        {
          Field element = field.getChildren().get(0);
          int elementId = ids.incrementAndGet();
          return Types.ListType.ofOptional(elementId, toIcebergType(element, path + "[]", ids));
        }
      case Map:
        {
          Field entries = field.getChildren().get(0);
          Field key = entries.getChildren().get(0);
          Field value = entries.getChildren().get(1);
          int keyId = ids.incrementAndGet();
          int valueId = ids.incrementAndGet();
          return Types.MapType.ofOptional(
              keyId,
              valueId,
              toIcebergType(key, path + ".key", ids),
              toIcebergType(value, path + ".value", ids));
        }
      default:
        throw unsupported(path, type);
    }
  }

  private static TidewaterException unsupported(String path, ArrowType type) {
    return TidewaterException.user(
        "column '%s' has type %s, which an Iceberg table cannot store", path, type);
  }

  private static Field toArrowField(String name, Type type, boolean nullable) {
    switch (type.typeId()) {
      case STRUCT:
        {
          List<Field> children = new ArrayList<>();
          for (NestedField child : type.asStructType().fields()) {
            children.add(toArrowField(child.name(), child.type(), child.isOptional()));
          }
          return new Field(name, fieldType(nullable, ArrowType.Struct.INSTANCE), children);
        }
      case LIST:
        {
          Types.ListType list = type.asListType();
          Field element =
              toArrowField(LIST_ELEMENT_NAME, list.elementType(), list.isElementOptional());
          return new Field(name, fieldType(nullable, ArrowType.List.INSTANCE), List.of(element));
        }
      case MAP:
        {
          Types.MapType map = type.asMapType();
          Field key = toArrowField(MAP_KEY_NAME, map.keyType(), false);
          Field value = toArrowField(MAP_VALUE_NAME, map.valueType(), map.isValueOptional());
          Field entries =
              new Field(
                  MAP_ENTRIES_NAME,
                  fieldType(false, ArrowType.Struct.INSTANCE),
                  List.of(key, value));
          return new Field(name, fieldType(nullable, new ArrowType.Map(false)), List.of(entries));
        }
      default:
        return new Field(name, fieldType(nullable, toArrowType(name, type)), null);
    }
  }

  private static ArrowType toArrowType(String name, Type type) {
    switch (type.typeId()) {
      case BOOLEAN:
        return ArrowType.Bool.INSTANCE;
      case INTEGER:
        return new ArrowType.Int(32, true);
      case LONG:
        return new ArrowType.Int(64, true);
      case FLOAT:
        return new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
      case DOUBLE:
        return new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
      case DECIMAL:
        {
          Types.DecimalType decimal = (Types.DecimalType) type;
          return new ArrowType.Decimal(decimal.precision(), decimal.scale(), 128);
        }
      case STRING:
        return ArrowType.Utf8.INSTANCE;
      case BINARY:
        return ArrowType.Binary.INSTANCE;
      case FIXED:
        return new ArrowType.FixedSizeBinary(((Types.FixedType) type).length());
      case UUID:
        return new ArrowType.FixedSizeBinary(16);
      case DATE:
        return new ArrowType.Date(DateUnit.DAY);
      case TIME:
        return new ArrowType.Time(TimeUnit.MICROSECOND, 64);
      case TIMESTAMP:
        return new ArrowType.Timestamp(
            TimeUnit.MICROSECOND, ((Types.TimestampType) type).shouldAdjustToUTC() ? "UTC" : null);
      case TIMESTAMP_NANO:
        return new ArrowType.Timestamp(
            TimeUnit.NANOSECOND,
            ((Types.TimestampNanoType) type).shouldAdjustToUTC() ? "UTC" : null);
      default:
        throw TidewaterException.user(
            "column '%s' has Iceberg type %s, which Tidewater cannot read yet", name, type);
    }
  }

  private static FieldType fieldType(boolean nullable, ArrowType type) {
    return new FieldType(nullable, type, null);
  }
}
