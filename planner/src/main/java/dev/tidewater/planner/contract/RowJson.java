package dev.tidewater.planner.contract;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;

/** A row of an Arrow batch as one JSON object, for the quarantine table's {@code row_json}. */
final class RowJson {
  private static final JsonFactory JSON = new JsonFactory();

  private RowJson() {}

  /**
   * Row {@code row} of {@code vectors}, keyed by the vectors' names: numbers and booleans as JSON
   * numbers and booleans (NaN and infinities as strings), dates and timestamps as ISO text, binary
   * values in base64, lists and structs as JSON arrays and objects.
   */
  static String of(List<FieldVector> vectors, int row) {
    StringWriter text = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(text)) {
      json.writeStartObject();
      for (FieldVector vector : vectors) {
        json.writeFieldName(vector.getName());
        write(json, vector, row);
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return text.toString();
  }

  private static void write(JsonGenerator json, FieldVector vector, int row) throws IOException {
    if (vector.isNull(row)) {
      json.writeNull();
      return;
    }
    if (vector instanceof BaseIntVector integers) {
      json.writeNumber(integers.getValueAsLong(row));
      return;
    }
    if (vector instanceof ListVector
        || vector instanceof StructVector
        || vector instanceof MapVector) {
      // Arrow's JsonStringArrayList / JsonStringHashMap print themselves as JSON
      json.writeRawValue(String.valueOf(vector.getObject(row)));
      return;
    }
    Object value = ValueCast.read(vector, row);
    if (value instanceof Float real && Float.isFinite(real)) {
      json.writeNumber(real);
    } else if (value instanceof Double real && Double.isFinite(real)) {
      json.writeNumber(real);
    } else if (value instanceof BigDecimal decimal) {
      json.writeNumber(decimal);
    } else if (value instanceof Boolean bool) {
      json.writeBoolean(bool);
    } else if (value instanceof Instant instant) {
      json.writeString(instant.toString());
    } else if (vector.getObject(row) instanceof byte[] bytes) {
      json.writeString(Base64.getEncoder().encodeToString(bytes));
    } else {
      json.writeString(ValueConversions.toText(value));
    }
  }
}
