package dev.tidewater.planner.load;

import dev.tidewater.iceberg.ArrowSchemas;
import dev.tidewater.planner.result.TypeNames;
import dev.tidewater.spi.TidewaterException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * The normalize stage: maps source columns to table columns by name (ignoring case) and converts
 * types along Iceberg's legal promotions (int to long, float to double, decimal precision up).
 * Columns the table has and the source lacks are written as null by the sink. It hands each batch
 * on in a root of its own, moving the buffers rather than copying them where types agree.
 */
public final class Normalizer {
  private final List<ColumnMapping> mappings;
  private final Schema outputSchema;

  private Normalizer(List<ColumnMapping> mappings) {
    this.mappings = List.copyOf(mappings);
    this.outputSchema = new Schema(mappings.stream().map(ColumnMapping::output).toList());
  }

  /** How one source column reaches the table. */
  public record ColumnMapping(
      int sourceIndex, Field source, Field output, Conversion conversion, String tableType) {
    public String describe() {
      return source.getName()
          + " "
          + TypeNames.of(source)
          + " -> "
          + output.getName()
          + " "
          + tableType
          + (conversion == Conversion.AS_IS ? "" : " (" + conversion.text + ")");
    }
  }

  /** The conversions the normalize stage knows. */
  public enum Conversion {
    AS_IS("as is"),
    INT_TO_LONG("widened int to long"),
    FLOAT_TO_DOUBLE("widened float to double"),
    DECIMAL_PRECISION("widened decimal precision"),
    TIMESTAMP_TO_MICROS("timestamp to microseconds");

    private final String text;

    Conversion(String text) {
      this.text = text;
    }
  }

  /**
   * Plans the mapping of a source schema onto a table schema. Throws a user error naming the column
   * and both types when a source column cannot be written to the table.
   */
  public static Normalizer plan(Schema source, org.apache.iceberg.Schema table, String tableName) {
    List<ColumnMapping> mappings = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (int index = 0; index < source.getFields().size(); index++) {
      Field field = source.getFields().get(index);
      Types.NestedField column = table.caseInsensitiveFindField(field.getName());
      if (column == null) {
        missing.add(field.getName());
        continue;
      }
      Type sourceType = ArrowSchemas.toIceberg(new Schema(List.of(field))).columns().get(0).type();
      Conversion conversion = conversion(sourceType, column.type());
      if (conversion == Conversion.AS_IS
          && field.getType() instanceof ArrowType.Timestamp timestamp
          && timestamp.getUnit() != TimeUnit.MICROSECOND) {
        // Iceberg stores microseconds; a query's results are in milliseconds
        conversion = Conversion.TIMESTAMP_TO_MICROS;
      }
      if (conversion == null) {
        throw TidewaterException.user(
            "column '%s': the source's %s cannot be written to %s column %s of type %s",
            field.getName(),
            TypeNames.of(field),
            tableName,
            column.name(),
            TypeNames.of(column.type()));
      }
      Field output =
          switch (conversion) {
            case AS_IS -> new Field(column.name(), field.getFieldType(), field.getChildren());
            case TIMESTAMP_TO_MICROS ->
                new Field(
                    column.name(),
                    FieldType.nullable(
                        new ArrowType.Timestamp(
                            TimeUnit.MICROSECOND,
                            ((ArrowType.Timestamp) field.getType()).getTimezone())),
                    null);
            default -> new Field(column.name(), FieldType.nullable(arrowType(column.type())), null);
          };
      mappings.add(
          new ColumnMapping(index, field, output, conversion, TypeNames.of(column.type())));
    }
    if (!missing.isEmpty()) {
      throw TidewaterException.user(
          "source column(s) %s are not in table %s (the load adds new columns before it"
              + " normalizes)",
          missing, tableName);
    }
    return new Normalizer(mappings);
  }

  private static Conversion conversion(Type source, Type target) {
    if (sameShape(source, target)) {
      return Conversion.AS_IS;
    }
    if (source.typeId() == Type.TypeID.INTEGER && target.typeId() == Type.TypeID.LONG) {
      return Conversion.INT_TO_LONG;
    }
    if (source.typeId() == Type.TypeID.FLOAT && target.typeId() == Type.TypeID.DOUBLE) {
      return Conversion.FLOAT_TO_DOUBLE;
    }
    if (source instanceof Types.DecimalType from && target instanceof Types.DecimalType to) {
      if (from.scale() == to.scale() && from.precision() <= to.precision()) {
        return Conversion.DECIMAL_PRECISION;
      }
    }
    return null;
  }

  /** Type equality that ignores field ids and nullability of nested fields. */
  static boolean sameShape(Type left, Type right) {
    if (left.typeId() != right.typeId()) {
      return false;
    }
    if (left.isPrimitiveType()) {
      return left.equals(right);
    }
    List<Types.NestedField> leftFields = left.asNestedType().fields();
    List<Types.NestedField> rightFields = right.asNestedType().fields();
    if (leftFields.size() != rightFields.size()) {
      return false;
    }
    for (int i = 0; i < leftFields.size(); i++) {
      Types.NestedField a = leftFields.get(i);
      Types.NestedField b = rightFields.get(i);
      boolean namesMatter = left.isStructType();
      if ((namesMatter && !a.name().equalsIgnoreCase(b.name())) || !sameShape(a.type(), b.type())) {
        return false;
      }
    }
    return true;
  }

  private static ArrowType arrowType(Type type) {
    return switch (type.typeId()) {
      case LONG -> new ArrowType.Int(64, true);
      case DOUBLE -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
      case DECIMAL -> {
        Types.DecimalType decimal = (Types.DecimalType) type;
        yield new ArrowType.Decimal(decimal.precision(), decimal.scale(), 128);
      }
      default -> throw new IllegalStateException("no conversion to " + type);
    };
  }

  public List<ColumnMapping> mappings() {
    return mappings;
  }

  /** The name of the source column that feeds table column {@code outputColumn}. */
  public String sourceColumn(String outputColumn) {
    return mappings.stream()
        .filter(each -> each.output().getName().equals(outputColumn))
        .findFirst()
        .orElseThrow()
        .source()
        .getName();
  }

  public Schema outputSchema() {
    return outputSchema;
  }

  /**
   * Moves the current batch of {@code source} into a new root with the table's column names and
   * types. The source root keeps its schema but loses its buffers; readers refill it.
   */
  public VectorSchemaRoot apply(VectorSchemaRoot source, BufferAllocator allocator) {
    int rows = source.getRowCount();
    List<FieldVector> vectors = new ArrayList<>(mappings.size());
    try {
      for (ColumnMapping mapping : mappings) {
        FieldVector from = source.getVector(mapping.sourceIndex());
        vectors.add(convert(from, mapping, rows, allocator));
      }
    } catch (RuntimeException e) {
      vectors.forEach(FieldVector::close);
      throw e;
    }
    VectorSchemaRoot root = new VectorSchemaRoot(outputSchema.getFields(), vectors, rows);
    root.setRowCount(rows);
    return root;
  }

  private static FieldVector convert(
      FieldVector from, ColumnMapping mapping, int rows, BufferAllocator allocator) {
    switch (mapping.conversion()) {
      case AS_IS -> {
        var transfer = from.getTransferPair(mapping.output(), allocator);
        transfer.transfer();
        return (FieldVector) transfer.getTo();
      }
      case INT_TO_LONG -> {
        IntVector ints = (IntVector) from;
        BigIntVector longs = new BigIntVector(mapping.output(), allocator);
        longs.allocateNew(rows);
        for (int row = 0; row < rows; row++) {
          if (ints.isNull(row)) {
            longs.setNull(row);
          } else {
            longs.set(row, ints.get(row));
          }
        }
        longs.setValueCount(rows);
        return longs;
      }
      case FLOAT_TO_DOUBLE -> {
        Float4Vector floats = (Float4Vector) from;
        Float8Vector doubles = new Float8Vector(mapping.output(), allocator);
        doubles.allocateNew(rows);
        for (int row = 0; row < rows; row++) {
          if (floats.isNull(row)) {
            doubles.setNull(row);
          } else {
            doubles.set(row, floats.get(row));
          }
        }
        doubles.setValueCount(rows);
        return doubles;
      }
      case DECIMAL_PRECISION -> {
        DecimalVector decimals = (DecimalVector) from;
        DecimalVector wider = new DecimalVector(mapping.output(), allocator);
        wider.allocateNew(rows);
        for (int row = 0; row < rows; row++) {
          if (decimals.isNull(row)) {
            wider.setNull(row);
          } else {
            wider.setIndexDefined(row);
            wider
                .getDataBuffer()
                .setBytes(
                    (long) row * DecimalVector.TYPE_WIDTH,
                    decimals.getDataBuffer(),
                    (long) row * DecimalVector.TYPE_WIDTH,
                    DecimalVector.TYPE_WIDTH);
          }
        }
        wider.setValueCount(rows);
        return wider;
      }
      case TIMESTAMP_TO_MICROS -> {
        TimeStampVector timestamps = (TimeStampVector) from;
        TimeUnit unit = ((ArrowType.Timestamp) from.getField().getType()).getUnit();
        TimeStampVector micros = (TimeStampVector) mapping.output().createVector(allocator);
        micros.allocateNew(rows);
        for (int row = 0; row < rows; row++) {
          if (timestamps.isNull(row)) {
            micros.setNull(row);
          } else {
            long value = timestamps.get(row);
            micros.set(
                row,
                switch (unit) {
                  case SECOND -> Math.multiplyExact(value, 1_000_000L);
                  case MILLISECOND -> Math.multiplyExact(value, 1_000L);
                  case MICROSECOND -> value;
                  case NANOSECOND -> Math.floorDiv(value, 1_000L);
                });
          }
        }
        micros.setValueCount(rows);
        return micros;
      }
      default -> throw new IllegalStateException("unknown conversion " + mapping.conversion());
    }
  }
}
