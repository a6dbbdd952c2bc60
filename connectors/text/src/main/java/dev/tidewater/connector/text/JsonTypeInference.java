package dev.tidewater.connector.text;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.List;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Infers the schema of JSON records: the columns are the union of the records' keys in order of
 * appearance, typed by {@link TypeInference} (nested objects become structs, arrays lists).
 */
public final class JsonTypeInference {
  private final IsoTemporal temporal = new IsoTemporal();
  private final TypeInference records = new TypeInference();

  /**
   * Observes the record whose {@code START_OBJECT} is the parser's current token, leaving the
   * parser on its {@code END_OBJECT}.
   */
  public void observeRecord(JsonParser parser) throws IOException {
    observeObject(parser, records);
  }

  /** The schema of the records observed so far (no columns when none was). */
  public Schema schema() {
    Field root = records.toField("record");
    return new Schema(root.getChildren() == null ? List.of() : root.getChildren());
  }

  private void observeObject(JsonParser parser, TypeInference object) throws IOException {
    object.observeObject();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      TypeInference field = object.field(parser.currentName());
      observe(parser, parser.nextToken(), field);
    }
  }

  private void observe(JsonParser parser, JsonToken token, TypeInference inference)
      throws IOException {
    switch (token) {
      case VALUE_NULL:
        return;
      case VALUE_TRUE:
      case VALUE_FALSE:
        inference.observeBoolean();
        return;
      case VALUE_NUMBER_INT:
        if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          String text = parser.getText();
          inference.observeBigInteger(text.length() - (text.startsWith("-") ? 1 : 0));
        } else {
          inference.observeInteger(parser.getLongValue());
        }
        return;
      case VALUE_NUMBER_FLOAT:
        inference.observeDouble();
        return;
      case VALUE_STRING:
        int length = parser.getTextLength();
        if (length > 0) {
          inference.observeJsonString(
              parser.getTextCharacters(), parser.getTextOffset(), length, temporal);
        }
        return;
      case START_OBJECT:
        observeObject(parser, inference);
        return;
      case START_ARRAY:
        TypeInference element = inference.element();
        JsonToken item;
        while ((item = parser.nextToken()) != JsonToken.END_ARRAY) {
          observe(parser, item, element);
        }
        return;
      default:
        throw new IOException("unexpected token " + token);
    }
  }
}
