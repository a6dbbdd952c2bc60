package dev.tidewater.connector.text;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;

/**
 * Converts values of one column straight into its Arrow vector: text from a character buffer (CSV)
 * or the current token of a JSON parser. A value that does not fit the column's type throws {@link
 * BadValueException}; the reader adds where it was.
 */
public abstract class ColumnWriter {
  public static final JsonFactory JSON_FACTORY = new JsonFactory();

  /** The column's name; dotted for nested fields. */
  final String name;

  /** The column's SQL type name, for messages. */
  final String typeName;

  private final FieldVector target;

  ColumnWriter(FieldVector vector, String name) {
    this.name = name;
    this.typeName = FieldTypes.sqlName(vector.getField());
    this.target = vector;
  }

  /** Whether an empty value is a value (VARCHAR) rather than null. */
  public boolean keepsEmpty() {
    return false;
  }

  /** Writes a non-null text value. */
  public abstract void writeText(int row, char[] text, int offset, int length);

  /** Writes the value at the parser's current token ({@code token}), consuming it. */
  void writeJson(JsonParser parser, JsonToken token, int row) throws IOException {
    switch (token) {
      case VALUE_NULL:
        // explicitly: a rejected record may have left a value at this position
        target.setNull(row);
        return;
      case VALUE_STRING:
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        int length = parser.getTextLength();
        if (length > 0 || keepsEmpty()) {
          writeText(row, parser.getTextCharacters(), parser.getTextOffset(), length);
        }
        return;
      case VALUE_TRUE:
      case VALUE_FALSE:
        char[] text = token.asCharArray();
        writeText(row, text, 0, text.length);
        return;
      default:
        writeStructure(parser, token, row);
    }
  }

  /** Writes a JSON object or array; only VARCHAR, struct and list columns take them. */
  void writeStructure(JsonParser parser, JsonToken token, int row) throws IOException {
    throw new BadValueException(this, token == JsonToken.START_OBJECT ? "{...}" : "[...]");
  }

  final BadValueException bad(char[] text, int offset, int length) {
    return new BadValueException(this, new String(text, offset, Math.min(length, 200)));
  }

  /** Creates the writer of a vector of one of the types {@link TypeInference} produces. */
  public static ColumnWriter create(FieldVector vector, String name) {
    if (vector instanceof BigIntVector bigInt) {
      return new BigIntWriter(bigInt, name);
    } else if (vector instanceof IntVector integer) {
      return new IntWriter(integer, name);
    } else if (vector instanceof Float8Vector float8) {
      return new DoubleWriter(float8, name);
    } else if (vector instanceof Float4Vector float4) {
      return new RealWriter(float4, name);
    } else if (vector instanceof DecimalVector decimal) {
      return new DecimalWriter(decimal, name);
    } else if (vector instanceof BitVector bit) {
      return new BooleanWriter(bit, name);
    } else if (vector instanceof DateDayVector date) {
      return new DateWriter(date, name);
    } else if (vector instanceof TimeStampMicroVector timestamp) {
      return new TimestampWriter(timestamp, name);
    } else if (vector instanceof TimeStampMicroTZVector timestamp) {
      return new TimestampWithZoneWriter(timestamp, name);
    } else if (vector instanceof VarCharVector varChar) {
      return new StructuredWriters.VarCharWriter(varChar, name);
    } else if (vector instanceof StructVector struct) {
      return new StructuredWriters.StructWriter(struct, name);
    } else if (vector instanceof ListVector list) {
      return new StructuredWriters.ListWriter(list, name);
    }
    throw TidewaterException.internal(
        null, "no writer for column '%s' of type %s", name, vector.getField().getType());
  }

  /** A value that does not fit its column's type. */
  public static final class BadValueException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final transient ColumnWriter writer;
    final String value;

    BadValueException(ColumnWriter writer, String value) {
      super(null, null, false, false);
      this.writer = writer;
      this.value = value;
    }

    @Override
    public String getMessage() {
      return String.format(
          "column '%s': cannot read '%s' as %s", writer.name, value, writer.typeName);
    }
  }

  static final class BigIntWriter extends ColumnWriter {
    private final BigIntVector vector;
    private final NumberText number = new NumberText();

    BigIntWriter(BigIntVector vector, String name) {
      super(vector, name);
      this.vector = vector;
    }

    @Override
    public void writeText(int row, char[] text, int offset, int length) {
      if (!number.parseLong(text, offset, length)) {
        throw bad(text, offset, length);
      }
      vector.setSafe(row, number.longValue);
    }
  }

  static final class IntWriter extends ColumnWriter {
    private final IntVector vector;
    private final NumberText number = new NumberText();

    IntWriter(IntVector vector, String name) {
      super(vector, name);
      this.vector = vector;
    }

    @Override
    public void writeText(int row, char[] text, int offset, int length) {
      if (!number.parseLong(text, offset, length) || (int) number.longValue != number.longValue) {
        throw bad(text, offset, length);
      }
      vector.setSafe(row, (int) number.longValue);
    }
  }

  static final class DoubleWriter extends ColumnWriter {
    private final Float8Vector vector;
    private final NumberText number = new NumberText();

    DoubleWriter(Float8Vector vector, String name) {
      super(vector, name);
      this.vector = vector;
    }

    @Override
    public void writeText(int row, char[] text, int offset, int length) {
      if (!number.parseDouble(text, offset, length)) {
        throw bad(text, offset, length);
      }
      vector.setSafe(row, number.doubleValue);
    }
  }

  static final class RealWriter extends ColumnWriter {
    private final Float4Vector vector;
    private final NumberText number = new NumberText();

    RealWriter(Float4Vector vector, String name) {
      super(vector, name);
      this.vector = vector;
    }

    @Override
    public void writeText(int row, char[] text, int offset, int length) {
      if (!number.parseDouble(text, offset, length)) {
        throw bad(text, offset, length);
      }
      vector.setSafe(row, (float) number.doubleValue);
    }
  }

  static final class DecimalWriter extends ColumnWriter {
    private final DecimalVector vector;
    private final int precision;
    private final int scale;
    private final NumberText number = new NumberText();

    DecimalWriter(DecimalVector vector, String name) {
      super(vector, name);
      this.vector = vector;
      this.precision = vector.getPrecision();
      this.scale = vector.getScale();
    }

    @Override
    public void writeText(int row, char[] text, int offset, int length) {
      if (!number.parseDecimal(text, offset, length, precision, scale)) {
        throw bad(text, offset, length);
      }
      if (number.bigValue == null) {
        vector.setSafe(row, number.longValue);
      } else {
        vector.setSafe(row, number.bigValue);
      }
    }
  }

  static final class BooleanWriter extends ColumnWriter {
    private final BitVector vector;

    BooleanWriter(BitVector vector, String name) {
      super(vector, name);
      this.vector = vector;
    }

    @Override
    public void writeText(int row, char[] text, int offset, int length) {
      int value = NumberText.parseBoolean(text, offset, length);
      if (value < 0) {
        throw bad(text, offset, length);
      }
      vector.setSafe(row, value);
    }
  }

  static final class DateWriter extends ColumnWriter {
    private final DateDayVector vector;
    private final IsoTemporal temporal = new IsoTemporal();

    DateWriter(DateDayVector vector, String name) {
      super(vector, name);
      this.vector = vector;
    }

    @Override
    public void writeText(int row, char[] text, int offset, int length) {
      if (temporal.parse(text, offset, length) != IsoTemporal.DATE) {
        throw bad(text, offset, length);
      }
      vector.setSafe(row, (int) temporal.epochDay);
    }
  }

  static final class TimestampWriter extends ColumnWriter {
    private final TimeStampMicroVector vector;
    private final IsoTemporal temporal = new IsoTemporal();

    TimestampWriter(TimeStampMicroVector vector, String name) {
      super(vector, name);
      this.vector = vector;
    }

    @Override
    public void writeText(int row, char[] text, int offset, int length) {
      int kind = temporal.parse(text, offset, length);
      if (kind != IsoTemporal.TIMESTAMP && kind != IsoTemporal.DATE) {
        throw bad(text, offset, length);
      }
      vector.setSafe(row, temporal.epochMicros());
    }
  }

  static final class TimestampWithZoneWriter extends ColumnWriter {
    private final TimeStampMicroTZVector vector;
    private final IsoTemporal temporal = new IsoTemporal();

    TimestampWithZoneWriter(TimeStampMicroTZVector vector, String name) {
      super(vector, name);
      this.vector = vector;
    }

    @Override
    public void writeText(int row, char[] text, int offset, int length) {
      if (temporal.parse(text, offset, length) != IsoTemporal.TIMESTAMP_TZ) {
        throw bad(text, offset, length);
      }
      vector.setSafe(row, temporal.epochMicros());
    }
  }
}
