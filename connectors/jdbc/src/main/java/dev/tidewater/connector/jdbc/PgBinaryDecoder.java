package dev.tidewater.connector.jdbc;

import dev.tidewater.connector.jdbc.PgCopyFormat.WireType;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteOrder;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.ListVector;

/**
 * Decodes one column's values in PostgreSQL's binary format (the {@code typsend} functions: big
 * endian numbers, days and microseconds since 2000-01-01, numeric as base-10000 digits) straight
 * into its vector, with no Java object per value on the way.
 */
abstract class PgBinaryDecoder {
  static final VarHandle SHORT =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
  static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  /** 2000-01-01, PostgreSQL's epoch, in days and in microseconds since 1970-01-01. */
  private static final int EPOCH_DAYS = 10_957;

  private static final long EPOCH_MICROS = EPOCH_DAYS * 86_400_000_000L;

  final FieldVector vector;

  PgBinaryDecoder(FieldVector vector) {
    this.vector = vector;
  }

  /** Decodes the {@code length} bytes at {@code offset} into row {@code row} of the vector. */
  abstract void decode(byte[] bytes, int offset, int length, int row);

  final void setNull(int row) {
    vector.setNull(row);
  }

  static PgBinaryDecoder of(PgCopyFormat.Column column, FieldVector vector) {
    if (column.type() == WireType.ARRAY) {
      ListVector list = (ListVector) vector;
      return new ArrayDecoder(list, scalar(column.element(), list.getDataVector()));
    }
    return scalar(column.type(), vector);
  }

  private static PgBinaryDecoder scalar(WireType type, FieldVector vector) {
    return switch (type) {
      case INT2 -> new Int2((IntVector) vector);
      case INT4 -> new Int4((IntVector) vector);
      case INT8 -> new Int8((BigIntVector) vector);
      case FLOAT4 -> new Float4((Float4Vector) vector);
      case FLOAT8 -> new Float8((Float8Vector) vector);
      case BOOL -> new Bool((BitVector) vector);
      case NUMERIC -> new NumericDecoder((DecimalVector) vector);
      case TEXT -> new Text((VarCharVector) vector);
      case BYTEA -> new Bytea((VarBinaryVector) vector);
      case DATE -> new Date((DateDayVector) vector);
      case TIME -> new Time((TimeMicroVector) vector);
      case TIMESTAMP, TIMESTAMPTZ -> new Timestamp((TimeStampVector) vector);
      case ARRAY -> throw new IllegalStateException("arrays of arrays have no decoder");
    };
  }

  private static final class Int2 extends PgBinaryDecoder {
    private final IntVector ints;

    Int2(IntVector vector) {
      super(vector);
      this.ints = vector;
    }

    @Override
    void decode(byte[] bytes, int offset, int length, int row) {
      ints.setSafe(row, (short) SHORT.get(bytes, offset));
    }
  }

  private static final class Int4 extends PgBinaryDecoder {
    private final IntVector ints;

    Int4(IntVector vector) {
      super(vector);
      this.ints = vector;
    }

    @Override
    void decode(byte[] bytes, int offset, int length, int row) {
      ints.setSafe(row, (int) INT.get(bytes, offset));
    }
  }

  private static final class Int8 extends PgBinaryDecoder {
    private final BigIntVector longs;

    Int8(BigIntVector vector) {
      super(vector);
      this.longs = vector;
    }

    @Override
    void decode(byte[] bytes, int offset, int length, int row) {
      longs.setSafe(row, (long) LONG.get(bytes, offset));
    }
  }

  private static final class Float4 extends PgBinaryDecoder {
    private final Float4Vector floats;

    Float4(Float4Vector vector) {
      super(vector);
      this.floats = vector;
    }

    @Override
    void decode(byte[] bytes, int offset, int length, int row) {
      floats.setSafe(row, Float.intBitsToFloat((int) INT.get(bytes, offset)));
    }
  }

  private static final class Float8 extends PgBinaryDecoder {
    private final Float8Vector doubles;

    Float8(Float8Vector vector) {
      super(vector);
      this.doubles = vector;
    }

    @Override
    void decode(byte[] bytes, int offset, int length, int row) {
      doubles.setSafe(row, Double.longBitsToDouble((long) LONG.get(bytes, offset)));
    }
  }

  private static final class Bool extends PgBinaryDecoder {
    private final BitVector bits;

    Bool(BitVector vector) {
      super(vector);
      this.bits = vector;
    }

    @Override
    void decode(byte[] bytes, int offset, int length, int row) {
      bits.setSafe(row, bytes[offset] != 0 ? 1 : 0);
    }
  }

  /** text, varchar, bpchar and everything COPY casts to text: the bytes are UTF-8 already. */
  private static final class Text extends PgBinaryDecoder {
    private final VarCharVector text;

    Text(VarCharVector vector) {
      super(vector);
      this.text = vector;
    }

    @Override
    void decode(byte[] bytes, int offset, int length, int row) {
      text.setSafe(row, bytes, offset, length);
    }
  }

  private static final class Bytea extends PgBinaryDecoder {
    private final VarBinaryVector binary;

    Bytea(VarBinaryVector vector) {
      super(vector);
      this.binary = vector;
    }

    @Override
    void decode(byte[] bytes, int offset, int length, int row) {
      binary.setSafe(row, bytes, offset, length);
    }
  }

  private static final class Date extends PgBinaryDecoder {
    private final DateDayVector days;

    Date(DateDayVector vector) {
      super(vector);
      this.days = vector;
    }

    @Override
    void decode(byte[] bytes, int offset, int length, int row) {
      days.setSafe(row, day((int) INT.get(bytes, offset)));
    }
  }

  private static final class Time extends PgBinaryDecoder {
    private final TimeMicroVector times;

    Time(TimeMicroVector vector) {
      super(vector);
      this.times = vector;
    }

    @Override
    void decode(byte[] bytes, int offset, int length, int row) {
      times.setSafe(row, (long) LONG.get(bytes, offset));
    }
  }

  /** timestamp and timestamptz: both microseconds since 2000-01-01 (UTC for timestamptz). */
  private static final class Timestamp extends PgBinaryDecoder {
    private final TimeStampVector timestamps;

    Timestamp(TimeStampVector vector) {
      super(vector);
      this.timestamps = vector;
    }

    @Override
    void decode(byte[] bytes, int offset, int length, int row) {
      timestamps.setSafe(row, timestamp((long) LONG.get(bytes, offset)));
    }
  }

  /** PostgreSQL's days since 2000-01-01 as days since 1970-01-01; its infinities have none. */
  static int day(int pgDays) {
    if (pgDays == Integer.MAX_VALUE || pgDays == Integer.MIN_VALUE) {
      throw new ArithmeticException(
          "the date " + (pgDays > 0 ? "infinity" : "-infinity") + " has no Iceberg value");
    }
    return Math.addExact(pgDays, EPOCH_DAYS);
  }

  /** PostgreSQL's microseconds since 2000-01-01 as microseconds since 1970-01-01. */
  static long timestamp(long pgMicros) {
    if (pgMicros == Long.MAX_VALUE || pgMicros == Long.MIN_VALUE) {
      throw new ArithmeticException(
          "the timestamp " + (pgMicros > 0 ? "infinity" : "-infinity") + " has no Iceberg value");
    }
    return Math.addExact(pgMicros, EPOCH_MICROS);
  }

  /**
   * NUMERIC: {@code ndigits, weight, sign, dscale} (16 bits each), then base-10000 digits, the
   * first worth 10000^weight. Into an unscaled long at the column's scale when the precision fits
   * 18 digits, else through BigDecimal.
   */
  private static final class NumericDecoder extends PgBinaryDecoder {
    private static final long[] POWERS_OF_TEN = new long[19];

    static {
      POWERS_OF_TEN[0] = 1;
      for (int i = 1; i < POWERS_OF_TEN.length; i++) {
        POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
      }
    }

    private final DecimalVector decimals;
    private final int scale;
    private final int precision;

    NumericDecoder(DecimalVector vector) {
      super(vector);
      this.decimals = vector;
      this.scale = vector.getScale();
      this.precision = vector.getPrecision();
    }

    @Override
    void decode(byte[] bytes, int offset, int length, int row) {
      int digits = (short) SHORT.get(bytes, offset);
      int weight = (short) SHORT.get(bytes, offset + 2);
      int sign = (short) SHORT.get(bytes, offset + 4) & 0xFFFF;
      if (sign != 0 && sign != 0x4000) {
        throw new ArithmeticException(
            (sign == 0xC000 ? "NaN" : sign == 0xD000 ? "Infinity" : "-Infinity")
                + " has no decimal value");
      }
      if (precision <= 18) {
        long unscaled = 0;
        for (int i = 0; i < digits; i++) {
          long digit = (short) SHORT.get(bytes, offset + 8 + 2 * i);
          int power = (weight - i) * 4 + scale;
          if (power >= 0) {
            if (power >= precision) {
              throw tooWide();
            }
            try {
              unscaled = Math.addExact(unscaled, Math.multiplyExact(digit, POWERS_OF_TEN[power]));
            } catch (ArithmeticException e) {
              throw tooWide();
            }
          } else if (digit != 0) {
            if (power <= -4 || digit % POWERS_OF_TEN[-power] != 0) {
              throw new ArithmeticException("a value has more than " + scale + " decimal places");
            }
            unscaled += digit / POWERS_OF_TEN[-power];
          }
        }
        if (unscaled >= POWERS_OF_TEN[precision]) {
          throw tooWide();
        }
        decimals.setSafe(row, sign == 0 ? unscaled : -unscaled);
        return;
      }
      BigInteger unscaled = BigInteger.ZERO;
      BigInteger base = BigInteger.valueOf(10_000);
      for (int i = 0; i < digits; i++) {
        unscaled =
            unscaled
                .multiply(base)
                .add(BigInteger.valueOf((short) SHORT.get(bytes, offset + 8 + 2 * i)));
      }
      BigDecimal value =
          new BigDecimal(sign == 0 ? unscaled : unscaled.negate(), (digits - weight - 1) * 4);
      // The column's scale holds every value exactly; UNNECESSARY fails loudly if not.
      decimals.setSafe(row, value.setScale(scale, RoundingMode.UNNECESSARY));
    }

    private ArithmeticException tooWide() {
      return new ArithmeticException("a value has more than " + precision + " digits");
    }
  }

  /**
   * A one-dimensional array: {@code ndim, flags, element oid}, {@code size, lower bound} per
   * dimension, then each element as a length (-1 for NULL) and its bytes.
   */
  private static final class ArrayDecoder extends PgBinaryDecoder {
    private final ListVector list;
    private final PgBinaryDecoder elements;

    ArrayDecoder(ListVector list, PgBinaryDecoder elements) {
      super(list);
      this.list = list;
      this.elements = elements;
    }

    @Override
    void decode(byte[] bytes, int offset, int length, int row) {
      int dimensions = (int) INT.get(bytes, offset);
      if (dimensions > 1) {
        throw new IllegalStateException(
            "a " + dimensions + "-dimensional array (Tidewater reads one-dimensional arrays)");
      }
      int count = dimensions == 0 ? 0 : (int) INT.get(bytes, offset + 12);
      int position = offset + 12 + 8 * dimensions;
      int start = list.startNewValue(row);
      for (int i = 0; i < count; i++) {
        int size = (int) INT.get(bytes, position);
        position += 4;
        if (size < 0) {
          elements.setNull(start + i);
        } else {
          elements.decode(bytes, position, size, start + i);
          position += size;
        }
      }
      list.endValue(row, count);
    }
  }
}
