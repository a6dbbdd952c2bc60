package dev.tidewater.server.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.tidewater.spi.BatchReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.List;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.BaseListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * JSON Lines: one object per row, keyed by column name, as Trino's and DuckDB's JSON output do.
 * Numbers and booleans stay JSON numbers and booleans (decimals exact), NULL is {@code null},
 * binary is base64, dates and timestamps are the table output's text, lists and structs nest.
 */
final class JsonResultWriter implements ResultWriter {
  private static final JsonFactory JSON = new JsonFactory();
  private final PrintStream out;

  JsonResultWriter(PrintStream out) {
    this.out = out;
  }

  @Override
  public long print(BatchReader reader) {
    List<Field> fields = reader.schema().getFields();
    long total = 0;
    try {
      JsonGenerator json = JSON.createGenerator(out);
      json.setRootValueSeparator(null);
      while (reader.next()) {
        VectorSchemaRoot root = reader.root();
        for (int row = 0; row < root.getRowCount(); row++, total++) {
          json.writeStartObject();
          for (int column = 0; column < fields.size(); column++) {
            json.writeFieldName(fields.get(column).getName());
            write(json, root.getVector(column), row);
          }
          json.writeEndObject();
          json.writeRaw('\n');
        }
      }
      json.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return total;
  }

  private static void write(JsonGenerator json, FieldVector vector, int row) throws IOException {
    if (vector.isNull(row)) {
      json.writeNull();
    } else if (vector instanceof BitVector bits) {
      json.writeBoolean(bits.get(row) != 0);
    } else if (vector instanceof VarBinaryVector binary) {
      json.writeBinary(binary.get(row));
    } else if (vector instanceof BaseListVector || vector instanceof StructVector) {
      // Arrow's own JSON rendering of nested values (JsonStringArrayList / JsonStringHashMap).
      json.writeRawValue(vector.getObject(row).toString());
    } else {
      Object value = vector.getObject(row);
      if (value instanceof BigDecimal decimal) {
        json.writeNumber(decimal);
      } else if (value instanceof Long
          || value instanceof Integer
          || value instanceof Short
          || value instanceof Byte) {
        json.writeNumber(((Number) value).longValue());
      } else if (value instanceof Double || value instanceof Float) {
        json.writeNumber(((Number) value).doubleValue());
      } else {
        json.writeString(ResultPrinter.text(vector, row));
      }
    }
  }
}
