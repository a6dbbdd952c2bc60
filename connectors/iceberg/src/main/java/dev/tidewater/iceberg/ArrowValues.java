package dev.tidewater.iceberg;

import dev.tidewater.spi.TidewaterException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.LargeVarBinaryVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeMilliVector;
import org.apache.arrow.vector.TimeNanoVector;
import org.apache.arrow.vector.TimeSecVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.UUIDUtil;

/**
 * Reads one Arrow value as Iceberg's internal representation ({@link Type.TypeID#javaClass()}):
 * micros as {@code Long}, days as {@code Integer}, structs as records. The slow, general path, used
 * for nested columns and partition values; flat columns are written by {@link ArrowParquetWriters}
 * without it.
 */
final class ArrowValues {
  private ArrowValues() {}

  static Object toInternal(FieldVector vector, int index, Type type, String column) {
    if (vector == null || vector.isNull(index)) {
      return null;
    }
    switch (type.typeId()) {
      case BOOLEAN:
        return ((BitVector) cast(vector, BitVector.class, type, column)).get(index) != 0;
      case INTEGER:
        return (int) integer(vector, index, type, column);
      case LONG:
        return integer(vector, index, type, column);
      case FLOAT:
        return ((Float4Vector) cast(vector, Float4Vector.class, type, column)).get(index);
      case DOUBLE:
        if (vector instanceof Float4Vector floats) {
          return (double) floats.get(index);
        }
        return ((Float8Vector) cast(vector, Float8Vector.class, type, column)).get(index);
      case DECIMAL:
        return ((DecimalVector) cast(vector, DecimalVector.class, type, column)).getObject(index);
      case STRING:
        return new String(bytes(vector, index, type, column), StandardCharsets.UTF_8);
      case BINARY:
        return ByteBuffer.wrap(bytes(vector, index, type, column));
      case FIXED:
        return ByteBuffer.wrap(
            ((FixedSizeBinaryVector) cast(vector, FixedSizeBinaryVector.class, type, column))
                .get(index));
      case UUID:
        return UUIDUtil.convert(
            ((FixedSizeBinaryVector) cast(vector, FixedSizeBinaryVector.class, type, column))
                .get(index));
      case DATE:
        if (vector instanceof DateMilliVector millis) {
          return (int) Math.floorDiv(millis.get(index), 86_400_000L);
        }
        return ((DateDayVector) cast(vector, DateDayVector.class, type, column)).get(index);
      case TIME:
        return timeMicros(vector, index, type, column);
      case TIMESTAMP:
        return toUnit(timestamp(vector, index, type, column), unit(vector), TimeUnit.MICROSECOND);
      case TIMESTAMP_NANO:
        return toUnit(timestamp(vector, index, type, column), unit(vector), TimeUnit.NANOSECOND);
      case STRUCT:
        return struct(vector, index, type.asStructType(), column);
      case LIST:
        return list(vector, index, type.asListType(), column);
      case MAP:
        return map(vector, index, type.asMapType(), column);
      default:
        throw mismatch(vector, type, column);
    }
  }

  /** Converts {@code value} from {@code from} to {@code to}, rounding towards negative infinity. */
  static long toUnit(long value, TimeUnit from, TimeUnit to) {
    long fromNanos = nanos(from);
    long toNanos = nanos(to);
    if (fromNanos >= toNanos) {
      return value * (fromNanos / toNanos);
    }
    return Math.floorDiv(value, toNanos / fromNanos);
  }

  static TimeUnit unit(FieldVector vector) {
    return ((ArrowType.Timestamp) vector.getField().getType()).getUnit();
  }

  static TidewaterException mismatch(FieldVector vector, Type type, String column) {
    return TidewaterException.internal(
        null,
        "column '%s': cannot write Arrow %s to Iceberg %s",
        column,
        vector.getField().getType(),
        type);
  }

  private static long nanos(TimeUnit unit) {
    return switch (unit) {
      case SECOND -> 1_000_000_000L;
      case MILLISECOND -> 1_000_000L;
      case MICROSECOND -> 1_000L;
      case NANOSECOND -> 1L;
    };
  }

  private static FieldVector cast(
      FieldVector vector, Class<? extends FieldVector> expected, Type type, String column) {
    if (!expected.isInstance(vector)) {
      throw mismatch(vector, type, column);
    }
    return vector;
  }

  private static long integer(FieldVector vector, int index, Type type, String column) {
    if (vector instanceof BaseIntVector integers) {
      return integers.getValueAsLong(index);
    }
    throw mismatch(vector, type, column);
  }

  private static long timestamp(FieldVector vector, int index, Type type, String column) {
    return ((TimeStampVector) cast(vector, TimeStampVector.class, type, column)).get(index);
  }

  private static long timeMicros(FieldVector vector, int index, Type type, String column) {
    if (vector instanceof TimeMicroVector micros) {
      return micros.get(index);
    } else if (vector instanceof TimeMilliVector millis) {
      return millis.get(index) * 1_000L;
    } else if (vector instanceof TimeSecVector seconds) {
      return seconds.get(index) * 1_000_000L;
    } else if (vector instanceof TimeNanoVector nanos) {
      return Math.floorDiv(nanos.get(index), 1_000L);
    }
    throw mismatch(vector, type, column);
  }

  private static byte[] bytes(FieldVector vector, int index, Type type, String column) {
    if (vector instanceof VarCharVector strings) {
      return strings.get(index);
    } else if (vector instanceof LargeVarCharVector strings) {
      return strings.get(index);
    } else if (vector instanceof VarBinaryVector binaries) {
      return binaries.get(index);
    } else if (vector instanceof LargeVarBinaryVector binaries) {
      return binaries.get(index);
    }
    throw mismatch(vector, type, column);
  }

  private static GenericRecord struct(
      FieldVector vector, int index, Types.StructType type, String column) {
    StructVector struct = (StructVector) cast(vector, StructVector.class, type, column);
    GenericRecord record = GenericRecord.create(type);
    List<Types.NestedField> fields = type.fields();
    for (int i = 0; i < fields.size(); i++) {
      Types.NestedField field = fields.get(i);
      FieldVector child = (FieldVector) struct.getChild(field.name());
      String path = column + "." + field.name();
      record.set(i, toInternal(child, index, field.type(), path));
    }
    return record;
  }

  private static List<Object> list(
      FieldVector vector, int index, Types.ListType type, String column) {
    FieldVector elements;
    long start;
    long end;
    if (vector instanceof ListVector list && !(vector instanceof MapVector)) {
      elements = list.getDataVector();
      start = list.getElementStartIndex(index);
      end = list.getElementEndIndex(index);
    } else if (vector instanceof LargeListVector list) {
      elements = (FieldVector) list.getDataVector();
      start = list.getElementStartIndex(index);
      end = list.getElementEndIndex(index);
    } else {
      throw mismatch(vector, type, column);
    }
    List<Object> values = new ArrayList<>((int) (end - start));
    for (long i = start; i < end; i++) {
      values.add(toInternal(elements, (int) i, type.elementType(), column + "[]"));
    }
    return values;
  }

  private static Map<Object, Object> map(
      FieldVector vector, int index, Types.MapType type, String column) {
    MapVector map = (MapVector) cast(vector, MapVector.class, type, column);
    StructVector entries = (StructVector) map.getDataVector();
    FieldVector keys = entries.getChildrenFromFields().get(0);
    FieldVector values = entries.getChildrenFromFields().get(1);
    int start = map.getElementStartIndex(index);
    int end = map.getElementEndIndex(index);
    Map<Object, Object> result = new LinkedHashMap<>();
    for (int i = start; i < end; i++) {
      result.put(
          toInternal(keys, i, type.keyType(), column + ".key"),
          toInternal(values, i, type.valueType(), column + ".value"));
    }
    return result;
  }
}
