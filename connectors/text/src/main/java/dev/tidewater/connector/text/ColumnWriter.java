package dev.tidewater.connector.text;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tidewater.spi.TidewaterException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
      return new VarCharWriter(varChar, name);
    } else if (vector instanceof StructVector struct) {
      return new StructWriter(struct, name);
    } else if (vector instanceof ListVector list) {
      return new ListWriter(list, name);
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

  /** Encodes UTF-16 text to UTF-8 into a reused buffer, with an ASCII fast path. */
  static final class VarCharWriter extends ColumnWriter {
    private final VarCharVector vector;
    private byte[] buffer = new byte[256];
    private JsonBuffer json;

    VarCharWriter(VarCharVector vector, String name) {
      super(vector, name);
      this.vector = vector;
    }

    @Override
    public boolean keepsEmpty() {
      return true;
    }

    @Override
    public void writeText(int row, char[] text, int offset, int length) {
      if (buffer.length < length * 3) {
        buffer = new byte[Math.max(length * 3, buffer.length * 2)];
      }
      byte[] out = buffer;
      int end = offset + length;
      int position = offset;
      int written = 0;
      while (position < end) {
        char c = text[position];
        if (c >= 0x80) {
          break;
        }
        out[written++] = (byte) c;
        position++;
      }
      if (position < end) {
        written = encodeNonAscii(text, position, end, out, written);
      }
      vector.setSafe(row, out, 0, written);
    }

    private static int encodeNonAscii(char[] text, int position, int end, byte[] out, int written) {
      while (position < end) {
        char c = text[position++];
        if (c < 0x80) {
          out[written++] = (byte) c;
        } else if (c < 0x800) {
          out[written++] = (byte) (0xC0 | (c >> 6));
          out[written++] = (byte) (0x80 | (c & 0x3F));
        } else if (Character.isHighSurrogate(c)
            && position < end
            && Character.isLowSurrogate(text[position])) {
          int codePoint = Character.toCodePoint(c, text[position++]);
          out[written++] = (byte) (0xF0 | (codePoint >> 18));
          out[written++] = (byte) (0x80 | ((codePoint >> 12) & 0x3F));
          out[written++] = (byte) (0x80 | ((codePoint >> 6) & 0x3F));
          out[written++] = (byte) (0x80 | (codePoint & 0x3F));
        } else if (Character.isSurrogate(c)) {
          out[written++] = (byte) '?'; // a lone surrogate has no UTF-8 form
        } else {
          out[written++] = (byte) (0xE0 | (c >> 12));
          out[written++] = (byte) (0x80 | ((c >> 6) & 0x3F));
          out[written++] = (byte) (0x80 | (c & 0x3F));
        }
      }
      return written;
    }

    /** Keeps a nested object or array as its JSON text. */
    @Override
    void writeStructure(JsonParser parser, JsonToken token, int row) throws IOException {
      if (json == null) {
        json = new JsonBuffer();
      }
      json.reset();
      try (JsonGenerator generator = JSON_FACTORY.createGenerator(json)) {
        copyStructure(parser, generator);
      }
      vector.setSafe(row, json.bytes(), 0, json.size());
    }
  }

  /**
   * Copies the object or array at the parser's current token, compactly; numbers keep the digits
   * the file wrote ({@code 1.50} stays {@code 1.50}).
   */
  static void copyStructure(JsonParser parser, JsonGenerator generator) throws IOException {
    int depth = 0;
    JsonToken token = parser.currentToken();
    while (true) {
      switch (token) {
        case VALUE_NUMBER_INT:
        case VALUE_NUMBER_FLOAT:
          generator.writeNumber(
              parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
          break;
        case START_OBJECT:
        case START_ARRAY:
          depth++;
          generator.copyCurrentEvent(parser);
          break;
        case END_OBJECT:
        case END_ARRAY:
          depth--;
          generator.copyCurrentEvent(parser);
          break;
        default:
          generator.copyCurrentEvent(parser);
      }
      if (depth == 0) {
        return;
      }
      token = parser.nextToken();
    }
  }

  /** A byte buffer whose array can be read without a copy. */
  private static final class JsonBuffer extends ByteArrayOutputStream {
    byte[] bytes() {
      return buf;
    }
  }

  static final class StructWriter extends ColumnWriter {
    private final StructVector vector;
    private final Map<String, ColumnWriter> children = new HashMap<>();
    private final List<FieldVector> childVectors;

    StructWriter(StructVector vector, String name) {
      super(vector, name);
      this.vector = vector;
      this.childVectors = vector.getChildrenFromFields();
      for (FieldVector child : childVectors) {
        String childName = child.getField().getName();
        children.put(childName, create(child, name + "." + childName));
      }
    }

    @Override
    public void writeText(int row, char[] text, int offset, int length) {
      throw bad(text, offset, length);
    }

    @Override
    void writeStructure(JsonParser parser, JsonToken token, int row) throws IOException {
      if (token != JsonToken.START_OBJECT) {
        throw new BadValueException(this, "[...]");
      }
      vector.setIndexDefined(row);
      // keys the object lacks are null, also where a rejected record wrote at this position
      for (FieldVector child : childVectors) {
        child.setNull(row);
      }
      writeFields(parser, children, row);
    }
  }

  /** Writes the fields of the object the parser is in until its end; skips unknown keys. */
  public static void writeFields(JsonParser parser, Map<String, ColumnWriter> writers, int row)
      throws IOException {
    JsonToken token;
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
      ColumnWriter writer = writers.get(parser.currentName());
      JsonToken value = parser.nextToken();
      if (writer == null) {
        parser.skipChildren();
      } else {
        writer.writeJson(parser, value, row);
      }
    }
    if (token != JsonToken.END_OBJECT) {
      throw TidewaterException.internal(null, "expected the end of an object, found %s", token);
    }
  }

  static final class ListWriter extends ColumnWriter {
    private final ListVector vector;
    private final ColumnWriter element;

    ListWriter(ListVector vector, String name) {
      super(vector, name);
      this.vector = vector;
      this.element = create(vector.getDataVector(), name + "[]");
    }

    @Override
    public void writeText(int row, char[] text, int offset, int length) {
      throw bad(text, offset, length);
    }

    @Override
    void writeStructure(JsonParser parser, JsonToken token, int row) throws IOException {
      if (token != JsonToken.START_ARRAY) {
        throw new BadValueException(this, "{...}");
      }
      int offset = vector.startNewValue(row);
      int count = 0;
      JsonToken item;
      while ((item = parser.nextToken()) != JsonToken.END_ARRAY) {
        element.writeJson(parser, item, offset + count);
        count++;
      }
      vector.endValue(row, count);
    }
  }
}
