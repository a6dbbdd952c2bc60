package dev.tidewater.planner.result;

import java.util.stream.Collectors;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/** SQL names of Arrow and Iceberg types, as SHOW, DESCRIBE and EXPLAIN print them. */
public final class TypeNames {
  private TypeNames() {}

  public static String of(Field field) {
    ArrowType type = field.getType();
    return switch (type.getTypeID()) {
      case Int ->
          switch (((ArrowType.Int) type).getBitWidth()) {
            case 8 -> "TINYINT";
            case 16 -> "SMALLINT";
            case 32 -> "INTEGER";
            default -> "BIGINT";
          };
      case FloatingPoint ->
          ((ArrowType.FloatingPoint) type).getPrecision() == FloatingPointPrecision.DOUBLE
              ? "DOUBLE"
              : "REAL";
      case Decimal -> {
        ArrowType.Decimal decimal = (ArrowType.Decimal) type;
        yield "DECIMAL(" + decimal.getPrecision() + ", " + decimal.getScale() + ")";
      }
      case Utf8, LargeUtf8, Utf8View -> "VARCHAR";
      case Bool -> "BOOLEAN";
      case Date -> "DATE";
      case Time -> "TIME";
      case Timestamp ->
          ((ArrowType.Timestamp) type).getTimezone() == null
              ? "TIMESTAMP"
              : "TIMESTAMP WITH LOCAL TIME ZONE";
      case Binary, LargeBinary, FixedSizeBinary, BinaryView -> "VARBINARY";
      case Struct ->
          field.getChildren().stream()
              .map(child -> child.getName() + " " + of(child))
              .collect(Collectors.joining(", ", "ROW(", ")"));
      case List, LargeList, FixedSizeList -> of(field.getChildren().get(0)) + " ARRAY";
      case Map -> "MAP";
      case Null -> "NULL";
      default -> type.toString().toUpperCase(java.util.Locale.ROOT);
    };
  }

  public static String of(Type type) {
    return switch (type.typeId()) {
      case BOOLEAN -> "BOOLEAN";
      case INTEGER -> "INTEGER";
      case LONG -> "BIGINT";
      case FLOAT -> "REAL";
      case DOUBLE -> "DOUBLE";
      case DATE -> "DATE";
      case TIME -> "TIME";
      case TIMESTAMP ->
          ((Types.TimestampType) type).shouldAdjustToUTC()
              ? "TIMESTAMP WITH LOCAL TIME ZONE"
              : "TIMESTAMP";
      case STRING -> "VARCHAR";
      case UUID -> "UUID";
      case FIXED, BINARY -> "VARBINARY";
      case DECIMAL -> {
        Types.DecimalType decimal = (Types.DecimalType) type;
        yield "DECIMAL(" + decimal.precision() + ", " + decimal.scale() + ")";
      }
      case STRUCT ->
          type.asStructType().fields().stream()
              .map(field -> field.name() + " " + of(field.type()))
              .collect(Collectors.joining(", ", "ROW(", ")"));
      case LIST -> of(type.asListType().elementType()) + " ARRAY";
      case MAP ->
          "MAP(" + of(type.asMapType().keyType()) + ", " + of(type.asMapType().valueType()) + ")";
      default -> type.toString().toUpperCase(java.util.Locale.ROOT);
    };
  }
}
