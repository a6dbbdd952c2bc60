package dev.tidewater.connector.files;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.function.IntSupplier;
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
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.IntLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.PrimitiveType;

/**
 * A Parquet primitive value into an Arrow vector of its (possibly wider) type, at the index its
 * parent converter points at: integers widen, times become microseconds, dictionary strings are
 * decoded once per column chunk, INT96 timestamps become microseconds.
 */
final class PrimitiveValues extends PrimitiveConverter {
  private static final long MICROS_PER_DAY = 86_400_000_000L;
  private static final long JULIAN_EPOCH_DAY = 2_440_588L;

  private final FieldVector vector;
  private final IntSupplier slot;
  private final boolean unsigned;

  /** Multiplies (positive) or divides (negative) stored times to get microseconds. */
  private final long toMicros;

  PrimitiveValues(PrimitiveType type, FieldVector vector, IntSupplier slot) {
    this.vector = vector;
    this.slot = slot;
    LogicalTypeAnnotation annotation = type.getLogicalTypeAnnotation();
    this.unsigned = annotation instanceof IntLogicalTypeAnnotation integer && !integer.isSigned();
    TimeUnit unit = null;
    if (annotation instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation timestamp) {
      unit = timestamp.getUnit();
    } else if (annotation instanceof LogicalTypeAnnotation.TimeLogicalTypeAnnotation time) {
      unit = time.getUnit();
    }
    this.toMicros = unit == TimeUnit.MILLIS ? 1000 : unit == TimeUnit.NANOS ? -1000 : 1;
  }

  private byte[][] dictionary;

  @Override
  public boolean hasDictionarySupport() {
    return vector instanceof VarCharVector || vector instanceof VarBinaryVector;
  }

  @Override
  public void setDictionary(Dictionary values) {
    dictionary = new byte[values.getMaxId() + 1][];
    for (int id = 0; id <= values.getMaxId(); id++) {
      dictionary[id] = values.decodeToBinary(id).getBytes();
    }
  }

  @Override
  public void addValueFromDictionary(int id) {
    byte[] bytes = dictionary[id];
    int index = slot.getAsInt();
    if (vector instanceof VarCharVector text) {
      text.setSafe(index, bytes);
    } else {
      ((VarBinaryVector) vector).setSafe(index, bytes);
    }
  }

  private long micros(long value) {
    return toMicros >= 0 ? value * toMicros : Math.floorDiv(value, -toMicros);
  }

  @Override
  public void addBoolean(boolean value) {
    ((BitVector) vector).setSafe(slot.getAsInt(), value ? 1 : 0);
  }

  @Override
  public void addInt(int value) {
    int index = slot.getAsInt();
    if (vector instanceof IntVector ints) {
      ints.setSafe(index, value);
    } else if (vector instanceof BigIntVector longs) {
      longs.setSafe(index, unsigned ? Integer.toUnsignedLong(value) : value);
    } else if (vector instanceof DateDayVector days) {
      days.setSafe(index, value);
    } else if (vector instanceof TimeMicroVector times) {
      times.setSafe(index, micros(value));
    } else if (vector instanceof DecimalVector decimals) {
      decimals.setSafe(index, value);
    } else {
      throw mismatch("INT32");
    }
  }

  @Override
  public void addLong(long value) {
    int index = slot.getAsInt();
    if (vector instanceof BigIntVector longs) {
      longs.setSafe(index, value);
    } else if (vector instanceof TimeStampVector timestamps) {
      timestamps.setSafe(index, micros(value));
    } else if (vector instanceof TimeMicroVector times) {
      times.setSafe(index, micros(value));
    } else if (vector instanceof DecimalVector decimals) {
      if (unsigned && value < 0) {
        decimals.setSafe(
            index,
            new java.math.BigDecimal(
                new BigInteger(Long.toUnsignedString(value)), decimals.getScale()));
      } else {
        decimals.setSafe(index, value);
      }
    } else {
      throw mismatch("INT64");
    }
  }

  @Override
  public void addFloat(float value) {
    int index = slot.getAsInt();
    if (vector instanceof Float4Vector floats) {
      floats.setSafe(index, value);
    } else if (vector instanceof Float8Vector doubles) {
      doubles.setSafe(index, value);
    } else {
      throw mismatch("FLOAT");
    }
  }

  @Override
  public void addDouble(double value) {
    if (!(vector instanceof Float8Vector doubles)) {
      throw mismatch("DOUBLE");
    }
    doubles.setSafe(slot.getAsInt(), value);
  }

  @Override
  public void addBinary(Binary value) {
    int index = slot.getAsInt();
    if (vector instanceof VarCharVector text) {
      ByteBuffer bytes = value.toByteBuffer();
      text.setSafe(index, bytes, bytes.position(), bytes.remaining());
    } else if (vector instanceof VarBinaryVector binary) {
      ByteBuffer bytes = value.toByteBuffer();
      binary.setSafe(index, bytes, bytes.position(), bytes.remaining());
    } else if (vector instanceof FixedSizeBinaryVector fixed) {
      fixed.setSafe(index, value.getBytes());
    } else if (vector instanceof DecimalVector decimals) {
      decimals.setBigEndianSafe(index, value.getBytes());
    } else if (vector instanceof TimeStampVector timestamps) {
      timestamps.setSafe(index, int96Micros(value));
    } else {
      throw mismatch("BINARY");
    }
  }

  /** An INT96 timestamp: nanoseconds of the day, then the Julian day, little-endian. */
  private static long int96Micros(Binary value) {
    ByteBuffer bytes = value.toByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN);
    long nanosOfDay = bytes.getLong();
    int julianDay = bytes.getInt();
    return (julianDay - JULIAN_EPOCH_DAY) * MICROS_PER_DAY + nanosOfDay / 1000;
  }

  private IllegalStateException mismatch(String physical) {
    return new IllegalStateException(
        physical + " values cannot go into column '" + vector.getField() + "'");
  }
}
