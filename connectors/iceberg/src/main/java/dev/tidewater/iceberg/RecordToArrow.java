package dev.tidewater.iceberg;

import dev.tidewater.spi.TidewaterException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.DateTimeUtil;
import org.apache.iceberg.util.UUIDUtil;

/**
 * Sets values of Iceberg's generic object model ({@code LocalDateTime}, {@code BigDecimal}, {@code
 * Record}, ...) into Arrow vectors built by {@link ArrowSchemas#toArrow}.
 */
final class RecordToArrow {
  private RecordToArrow() {}

  /** Sets {@code vector[index]} to {@code value} (null sets null), growing the vector as needed. */
  static void set(FieldVector vector, int index, Object value, Type type) {
    if (value == null) {
      setNull(vector, index);
      return;
    }
    switch (type.typeId()) {
      case BOOLEAN -> ((BitVector) vector).setSafe(index, (Boolean) value ? 1 : 0);
      case INTEGER -> ((IntVector) vector).setSafe(index, (Integer) value);
      case LONG -> ((BigIntVector) vector).setSafe(index, (Long) value);
      case FLOAT -> ((Float4Vector) vector).setSafe(index, (Float) value);
      case DOUBLE -> ((Float8Vector) vector).setSafe(index, (Double) value);
      case DECIMAL -> ((DecimalVector) vector).setSafe(index, (BigDecimal) value);
      case STRING ->
          ((VarCharVector) vector)
              .setSafe(index, value.toString().getBytes(StandardCharsets.UTF_8));
      case BINARY -> {
        ByteBuffer buffer = (ByteBuffer) value;
        ((VarBinaryVector) vector).setSafe(index, buffer, buffer.position(), buffer.remaining());
      }
      case FIXED -> ((FixedSizeBinaryVector) vector).setSafe(index, bytes(value));
      case UUID -> ((FixedSizeBinaryVector) vector).setSafe(index, UUIDUtil.convert((UUID) value));
      case DATE -> ((DateDayVector) vector).setSafe(index, (int) ((LocalDate) value).toEpochDay());
      case TIME ->
          ((TimeMicroVector) vector).setSafe(index, DateTimeUtil.microsFromTime((LocalTime) value));
      case TIMESTAMP -> ((TimeStampVector) vector).setSafe(index, timestampMicros(value));
      case TIMESTAMP_NANO -> ((TimeStampVector) vector).setSafe(index, timestampNanos(value));
      case STRUCT -> setStruct((StructVector) vector, index, (StructLike) value, type);
      case LIST -> setList((ListVector) vector, index, (List<?>) value, type.asListType());
      case MAP -> setMap((MapVector) vector, index, (Map<?, ?>) value, type.asMapType());
      default ->
          throw TidewaterException.internal(
              null, "cannot read Iceberg %s values into Arrow (vector %s)", type, vector.getName());
    }
  }

  private static void setNull(FieldVector vector, int index) {
    if (vector instanceof StructVector struct) {
      struct.setNull(index);
    } else if (vector instanceof ListVector list) {
      // a list (or map) without elements, marked null, keeps the offsets consistent
      list.startNewValue(index);
      list.endValue(index, 0);
      list.setNull(index);
    } else if (vector instanceof BaseFixedWidthVector fixed) {
      fixed.setNull(index);
    } else if (vector instanceof BaseVariableWidthVector variable) {
      variable.setNull(index);
    } else {
      throw TidewaterException.internal(
          null, "cannot set null in Arrow vector %s", vector.getField());
    }
  }

  private static byte[] bytes(Object value) {
    if (value instanceof byte[] array) {
      return array;
    }
    ByteBuffer buffer = ((ByteBuffer) value).duplicate();
    byte[] array = new byte[buffer.remaining()];
    buffer.get(array);
    return array;
  }

  private static long timestampMicros(Object value) {
    if (value instanceof OffsetDateTime offset) {
      return DateTimeUtil.microsFromTimestamptz(offset);
    }
    if (value instanceof LocalDateTime local) {
      return DateTimeUtil.microsFromTimestamp(local);
    }
    return (Long) value;
  }

  private static long timestampNanos(Object value) {
    if (value instanceof OffsetDateTime offset) {
      return DateTimeUtil.nanosFromTimestamptz(offset);
    }
    if (value instanceof LocalDateTime local) {
      return DateTimeUtil.nanosFromTimestamp(local);
    }
    return (Long) value;
  }

  private static void setStruct(StructVector vector, int index, StructLike value, Type type) {
    vector.setIndexDefined(index);
    List<Types.NestedField> fields = type.asStructType().fields();
    List<FieldVector> children = vector.getChildrenFromFields();
    for (int i = 0; i < fields.size(); i++) {
      set(children.get(i), index, value.get(i, Object.class), fields.get(i).type());
    }
  }

  private static void setList(ListVector vector, int index, List<?> values, Types.ListType type) {
    int start = vector.startNewValue(index);
    FieldVector elements = vector.getDataVector();
    for (int i = 0; i < values.size(); i++) {
      set(elements, start + i, values.get(i), type.elementType());
    }
    vector.endValue(index, values.size());
  }

  private static void setMap(MapVector vector, int index, Map<?, ?> values, Types.MapType type) {
    int start = vector.startNewValue(index);
    StructVector entries = (StructVector) vector.getDataVector();
    FieldVector keys = entries.getChildrenFromFields().get(0);
    FieldVector items = entries.getChildrenFromFields().get(1);
    int i = 0;
    for (Map.Entry<?, ?> entry : values.entrySet()) {
      entries.setIndexDefined(start + i);
      set(keys, start + i, entry.getKey(), type.keyType());
      set(items, start + i, entry.getValue(), type.valueType());
      i++;
    }
    vector.endValue(index, values.size());
  }
}
