package dev.tidewater.connector.text;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tidewater.connector.text.ColumnWriter.BadValueException;
import dev.tidewater.spi.TidewaterException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;

/**
 * The column writers that take JSON structure: VARCHAR (which keeps a nested value as its JSON
 * text), struct and list columns, and the walk over an object's fields that JSON readers share.
 */
public final class StructuredWriters {
  private StructuredWriters() {}

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
      try (JsonGenerator generator = ColumnWriter.JSON_FACTORY.createGenerator(json)) {
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
        children.put(childName, ColumnWriter.create(child, name + "." + childName));
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
      this.element = ColumnWriter.create(vector.getDataVector(), name + "[]");
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
