package dev.tidewater.connector.files;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
import org.apache.arrow.vector.complex.StructVector;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.util.Utf8;

/**
 * Writes the values Avro's generic reader returns into Arrow vectors of the source's (possibly
 * wider) types: a writer per field of the file's schema.
 */
final class AvroWriters {
  private AvroWriters() {}

  /** Writes one value (never null) at an index. */
  interface Writer {
    void write(Object value, int index);
  }

  /** Writes the fields of a record into the vectors of the same names, at one index. */
  static final class RecordWriter {
    private final int[] positions;
    private final Writer[] writers;

    RecordWriter(org.apache.avro.Schema record, List<FieldVector> vectors, String file) {
      List<Integer> positions = new ArrayList<>();
      List<Writer> writers = new ArrayList<>();
      for (FieldVector vector : vectors) {
        org.apache.avro.Schema.Field field = record.getField(vector.getName());
        if (field != null) {
          positions.add(field.pos());
          writers.add(writer(field.schema(), vector, field.name(), file));
        }
      }
      this.positions = positions.stream().mapToInt(Integer::intValue).toArray();
      this.writers = writers.toArray(new Writer[0]);
    }

    void write(IndexedRecord record, int index) {
      for (int i = 0; i < positions.length; i++) {
        Object value = record.get(positions[i]);
        if (value != null) {
          writers[i].write(value, index);
        }
      }
    }
  }

  static Writer writer(
      org.apache.avro.Schema schema, FieldVector vector, String name, String file) {
    org.apache.avro.Schema type = AvroSchemas.nonNull(schema, name, file);
    switch (type.getType()) {
      case RECORD:
        StructVector struct = (StructVector) vector;
        RecordWriter fields = new RecordWriter(type, struct.getChildrenFromFields(), file);
        return (value, index) -> {
          struct.setIndexDefined(index);
          fields.write((IndexedRecord) value, index);
        };
      case ARRAY:
        ListVector list = (ListVector) vector;
        Writer element = writer(type.getElementType(), list.getDataVector(), name, file);
        return (value, index) -> {
          int start = list.startNewValue(index);
          int count = 0;
          for (Object item : (Iterable<?>) value) {
            if (item != null) {
              element.write(item, start + count);
            }
            count++;
          }
          list.endValue(index, count);
        };
      case MAP:
        ListVector map = (ListVector) vector;
        StructVector entries = (StructVector) map.getDataVector();
        VarCharVector keys = (VarCharVector) entries.getChildrenFromFields().get(0);
        Writer values =
            writer(type.getValueType(), entries.getChildrenFromFields().get(1), name, file);
        return (value, index) -> {
          int start = map.startNewValue(index);
          int count = 0;
          for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
            int at = start + count++;
            entries.setIndexDefined(at);
            keys.setSafe(at, utf8(entry.getKey()));
            if (entry.getValue() != null) {
              values.write(entry.getValue(), at);
            }
          }
          map.endValue(index, count);
        };
      default:
        return primitive(type, vector);
    }
  }

  private static Writer primitive(org.apache.avro.Schema type, FieldVector vector) {
    LogicalType logical = type.getLogicalType();
    String logicalName = logical == null ? "" : logical.getName();
    if (vector instanceof DecimalVector decimals) {
      int scale = ((LogicalTypes.Decimal) logical).getScale();
      return (value, index) ->
          decimals.setSafe(index, new BigDecimal(new BigInteger(bytes(value)), scale));
    }
    if (vector instanceof TimeStampVector || vector instanceof TimeMicroVector) {
      long multiply = logicalName.endsWith("millis") ? 1000 : 1;
      long divide = logicalName.endsWith("nanos") ? 1000 : 1;
      org.apache.arrow.vector.BaseFixedWidthVector times =
          (org.apache.arrow.vector.BaseFixedWidthVector) vector;
      return (value, index) -> {
        long micros = Math.floorDiv(((Number) value).longValue() * multiply, divide);
        if (times instanceof TimeStampVector timestamps) {
          timestamps.setSafe(index, micros);
        } else {
          ((TimeMicroVector) times).setSafe(index, micros);
        }
      };
    }
    if (vector instanceof BitVector bits) {
      return (value, index) -> bits.setSafe(index, (Boolean) value ? 1 : 0);
    }
    if (vector instanceof IntVector ints) {
      return (value, index) -> ints.setSafe(index, (Integer) value);
    }
    if (vector instanceof BigIntVector longs) {
      return (value, index) -> longs.setSafe(index, ((Number) value).longValue());
    }
    if (vector instanceof DateDayVector days) {
      return (value, index) -> days.setSafe(index, (Integer) value);
    }
    if (vector instanceof Float4Vector floats) {
      return (value, index) -> floats.setSafe(index, (Float) value);
    }
    if (vector instanceof Float8Vector doubles) {
      return (value, index) -> doubles.setSafe(index, ((Number) value).doubleValue());
    }
    if (vector instanceof VarCharVector text) {
      return (value, index) -> text.setSafe(index, utf8(value));
    }
    if (vector instanceof VarBinaryVector binary) {
      return (value, index) -> binary.setSafe(index, bytes(value));
    }
    if (vector instanceof FixedSizeBinaryVector fixed) {
      if ("uuid".equals(logicalName)) {
        return (value, index) -> fixed.setSafe(index, uuidBytes(value.toString()));
      }
      return (value, index) -> fixed.setSafe(index, bytes(value));
    }
    throw new IllegalStateException(
        "Avro " + type + " values cannot go into column '" + vector.getField() + "'");
  }

  private static byte[] utf8(Object value) {
    if (value instanceof Utf8 utf8) {
      return utf8.getBytes().length == utf8.getByteLength()
          ? utf8.getBytes()
          : java.util.Arrays.copyOf(utf8.getBytes(), utf8.getByteLength());
    }
    return value.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] bytes(Object value) {
    if (value instanceof GenericFixed fixed) {
      return fixed.bytes();
    }
    ByteBuffer buffer = ((ByteBuffer) value).duplicate();
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  private static byte[] uuidBytes(String text) {
    UUID uuid = UUID.fromString(text);
    return ByteBuffer.allocate(16)
        .putLong(uuid.getMostSignificantBits())
        .putLong(uuid.getLeastSignificantBits())
        .array();
  }
}
