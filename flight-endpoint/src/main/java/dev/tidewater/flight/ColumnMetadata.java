package dev.tidewater.flight;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.sql.FlightSqlColumnMetadata;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Adds the Flight SQL column metadata that JDBC clients read ({@code getColumns}, result set
 * metadata): SQL type name, precision and scale derived from the Arrow type, and the table a column
 * belongs to. Metadata a field already carries wins over what is derived here.
 */
final class ColumnMetadata {
  private static final String REMARKS_KEY =
      new FlightSqlColumnMetadata.Builder()
          .remarks("").build().getMetadataMap().keySet().stream().findFirst().orElseThrow();

  private ColumnMetadata() {}

  /** A table's columns as {@code GetTables} serializes them for {@code getColumns}. */
  static Schema forTable(Schema schema, TableRef table) {
    return withColumnMetadata(schema, table, true);
  }

  /**
   * A statement result's columns. Remarks are left out: the JDBC driver shows them as the column
   * label, so that {@code getString("name")} would no longer find a column with a comment.
   */
  static Schema forResultSet(Schema schema) {
    return withColumnMetadata(schema, null, false);
  }

  private static Schema withColumnMetadata(Schema schema, TableRef table, boolean remarks) {
    List<Field> fields = new ArrayList<>(schema.getFields().size());
    for (Field field : schema.getFields()) {
      fields.add(withColumnMetadata(field, table, remarks));
    }
    return new Schema(fields, schema.getCustomMetadata());
  }

  private static Field withColumnMetadata(Field field, TableRef table, boolean remarks) {
    FlightSqlColumnMetadata.Builder builder =
        new FlightSqlColumnMetadata.Builder()
            .typeName(typeName(field.getType()))
            .isAutoIncrement(false)
            .isCaseSensitive(field.getType() instanceof ArrowType.Utf8)
            .isSearchable(true);
    ArrowType type = field.getType();
    if (type instanceof ArrowType.Decimal decimal) {
      builder.precision(decimal.getPrecision()).scale(decimal.getScale());
    } else if (type instanceof ArrowType.FixedSizeBinary binary) {
      builder.precision(binary.getByteWidth());
    } else if (type instanceof ArrowType.Timestamp timestamp) {
      int digits = fractionalDigits(timestamp.getUnit());
      builder.precision(digits == 0 ? 19 : 20 + digits).scale(digits);
    } else if (type instanceof ArrowType.Time time) {
      int digits = fractionalDigits(time.getUnit());
      builder.precision(digits == 0 ? 8 : 9 + digits).scale(digits);
    }
    if (table != null) {
      builder
          .catalogName(table.catalog())
          .schemaName(table.namespace())
          .tableName(table.name())
          .isReadOnly(!TableRef.TABLE.equals(table.type()));
    }
    Map<String, String> metadata = new HashMap<>(builder.build().getMetadataMap());
    if (field.getMetadata() != null) {
      metadata.putAll(field.getMetadata());
    }
    if (!remarks) {
      metadata.remove(REMARKS_KEY);
    }
    FieldType fieldType =
        new FieldType(field.isNullable(), field.getType(), field.getDictionary(), metadata);
    return new Field(field.getName(), fieldType, field.getChildren());
  }

  /** The SQL name of an Arrow type, in Tidewater's (Calcite's) spelling. */
  static String typeName(ArrowType type) {
    return switch (type.getTypeID()) {
      case Null -> "NULL";
      case Bool -> "BOOLEAN";
      case Int -> integerName((ArrowType.Int) type);
      case FloatingPoint ->
          ((ArrowType.FloatingPoint) type).getPrecision() == FloatingPointPrecision.DOUBLE
              ? "DOUBLE"
              : "REAL";
      case Decimal -> "DECIMAL";
      case Utf8, LargeUtf8, Utf8View -> "VARCHAR";
      case Binary, LargeBinary, BinaryView -> "VARBINARY";
      case FixedSizeBinary -> "BINARY";
      case Date -> "DATE";
      case Time -> "TIME";
      case Timestamp ->
          ((ArrowType.Timestamp) type).getTimezone() == null
              ? "TIMESTAMP"
              : "TIMESTAMP WITH LOCAL TIME ZONE";
      case Interval, Duration -> "INTERVAL";
      case List, LargeList, FixedSizeList, ListView, LargeListView -> "ARRAY";
      case Struct -> "ROW";
      case Map -> "MAP";
      default -> type.toString().toUpperCase();
    };
  }

  private static String integerName(ArrowType.Int type) {
    return switch (type.getBitWidth()) {
      case 8 -> "TINYINT";
      case 16 -> "SMALLINT";
      case 32 -> "INTEGER";
      default -> "BIGINT";
    };
  }

  private static int fractionalDigits(TimeUnit unit) {
    return switch (unit) {
      case SECOND -> 0;
      case MILLISECOND -> 3;
      case MICROSECOND -> 6;
      case NANOSECOND -> 9;
    };
  }
}
