package dev.tidewater.iceberg;

import java.util.List;
import java.util.Map;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * How the values of one Iceberg column are decoded from a Parquet column stored the way Iceberg
 * writes its type (top-level, primitive, with a field id); {@link #forFields} answers null for a
 * file {@link ParquetColumnBatches} cannot read column by column.
 */
enum ColumnLayout {
  BOOLEAN,
  INT32,
  INT64,
  /** INT32 values of a column promoted to long. */
  INT32_AS_INT64,
  FLOAT,
  DOUBLE,
  /** FLOAT values of a column promoted to double. */
  FLOAT_AS_DOUBLE,
  /** A decimal's unscaled value stored as INT32 or INT64. */
  DECIMAL_LONG,
  /** A decimal's unscaled value as big-endian bytes. */
  DECIMAL_BYTES,
  TIMESTAMP_MILLIS_AS_MICROS,
  BYTES,
  FIXED,
  /** The column is not in the file (added later): nulls. */
  MISSING;

  /** The layout of each field in a file with this schema, or null when one is not supported. */
  static ColumnLayout[] forFields(
      MessageType fileSchema, List<Types.NestedField> fields, Map<Integer, ?> constants) {
    ColumnLayout[] layouts = new ColumnLayout[fields.size()];
    for (int i = 0; i < fields.size(); i++) {
      Types.NestedField field = fields.get(i);
      if (!field.type().isPrimitiveType()) {
        return null;
      }
      FileColumn column = column(fileSchema, field.fieldId());
      if (column == null) {
        if (hasAnyWithoutId(fileSchema) || constants.containsKey(field.fieldId())) {
          return null; // a file without field ids, or a partition value not stored in the file
        }
        layouts[i] = MISSING;
        continue;
      }
      layouts[i] = of(field.type(), column.type.asPrimitiveType());
      if (layouts[i] == null) {
        return null;
      }
    }
    return layouts;
  }

  /** How {@code type} is read from a file column stored as Iceberg writes it; null otherwise. */
  private static ColumnLayout of(Type type, PrimitiveType column) {
    if (column.isRepetition(org.apache.parquet.schema.Type.Repetition.REPEATED)) {
      return null;
    }
    PrimitiveTypeName physical = column.getPrimitiveTypeName();
    LogicalTypeAnnotation logical = column.getLogicalTypeAnnotation();
    return switch (type.typeId()) {
      case BOOLEAN -> physical == PrimitiveTypeName.BOOLEAN ? ColumnLayout.BOOLEAN : null;
      case INTEGER ->
          physical == PrimitiveTypeName.INT32 && isPlainInteger(logical)
              ? ColumnLayout.INT32
              : null;
      case LONG -> {
        if (!isPlainInteger(logical)) {
          yield null;
        }
        yield physical == PrimitiveTypeName.INT64
            ? ColumnLayout.INT64
            : physical == PrimitiveTypeName.INT32 ? ColumnLayout.INT32_AS_INT64 : null;
      }
      case FLOAT -> physical == PrimitiveTypeName.FLOAT ? ColumnLayout.FLOAT : null;
      case DOUBLE ->
          physical == PrimitiveTypeName.DOUBLE
              ? ColumnLayout.DOUBLE
              : physical == PrimitiveTypeName.FLOAT ? ColumnLayout.FLOAT_AS_DOUBLE : null;
      case DATE ->
          physical == PrimitiveTypeName.INT32
                  && logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation
              ? ColumnLayout.INT32
              : null;
      case TIME ->
          physical == PrimitiveTypeName.INT64
                  && logical instanceof LogicalTypeAnnotation.TimeLogicalTypeAnnotation time
                  && time.getUnit() == LogicalTypeAnnotation.TimeUnit.MICROS
              ? ColumnLayout.INT64
              : null;
      case TIMESTAMP -> {
        if (physical != PrimitiveTypeName.INT64
            || !(logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation stamp)) {
          yield null;
        }
        yield switch (stamp.getUnit()) {
          case MICROS -> ColumnLayout.INT64;
          case MILLIS -> ColumnLayout.TIMESTAMP_MILLIS_AS_MICROS;
          case NANOS -> null;
        };
      }
      case TIMESTAMP_NANO ->
          physical == PrimitiveTypeName.INT64
                  && logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation stamp
                  && stamp.getUnit() == LogicalTypeAnnotation.TimeUnit.NANOS
              ? ColumnLayout.INT64
              : null;
      case DECIMAL -> {
        Types.DecimalType decimal = (Types.DecimalType) type;
        if (!(logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation stored)
            || stored.getScale() != decimal.scale()
            || stored.getPrecision() > decimal.precision()) {
          yield null;
        }
        yield switch (physical) {
          case INT32, INT64 -> ColumnLayout.DECIMAL_LONG;
          case FIXED_LEN_BYTE_ARRAY, BINARY -> ColumnLayout.DECIMAL_BYTES;
          default -> null;
        };
      }
      case STRING, BINARY -> physical == PrimitiveTypeName.BINARY ? ColumnLayout.BYTES : null;
      case FIXED ->
          physical == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY
                  && column.getTypeLength() == ((Types.FixedType) type).length()
              ? ColumnLayout.FIXED
              : null;
      case UUID ->
          physical == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY && column.getTypeLength() == 16
              ? ColumnLayout.FIXED
              : null;
      default -> null;
    };
  }

  private static boolean isPlainInteger(LogicalTypeAnnotation logical) {
    return logical == null
        || logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation integer
            && integer.isSigned();
  }

  /** A top-level primitive column of a file and its descriptor. */
  record FileColumn(org.apache.parquet.schema.Type type, ColumnDescriptor descriptor) {}

  /**
   * The top-level primitive column of {@code schema} with Iceberg field id {@code fieldId}, or
   * null.
   */
  static FileColumn column(MessageType schema, int fieldId) {
    for (org.apache.parquet.schema.Type column : schema.getFields()) {
      if (column.getId() != null && column.getId().intValue() == fieldId && column.isPrimitive()) {
        return new FileColumn(column, schema.getColumnDescription(new String[] {column.getName()}));
      }
    }
    return null;
  }

  private static boolean hasAnyWithoutId(MessageType schema) {
    for (org.apache.parquet.schema.Type column : schema.getFields()) {
      if (column.getId() == null) {
        return true;
      }
    }
    return false;
  }
}
