package dev.tidewater.connector.files;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tidewater.spi.RecordRejections;
import java.io.IOException;
import java.util.List;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Infers the schema of JSON or JSON Lines files from their first {@code sample_rows} records: the
 * columns are the union of the records' keys in order of appearance, typed by {@link
 * TypeInference}.
 */
final class JsonSchemaInference {
  private static final RecordRejections IGNORED = (position, reason, record) -> {};

  private final IsoTemporal temporal = new IsoTemporal();

  private JsonSchemaInference() {}

  static Schema infer(FilesOptions options, FileFormat format, List<FileSplit> files) {
    JsonSchemaInference inference = new JsonSchemaInference();
    TypeInference records = new TypeInference();
    long remaining = options.sampleRows();
    for (FileSplit file : files) {
      if (remaining <= 0) {
        break;
      }
      // records that cannot be read are left out here; reading them fails or rejects them
      try (JsonRecords cursor = new JsonRecords(file, format, options, IGNORED)) {
        while (remaining > 0 && cursor.next()) {
          try {
            inference.observeObject(cursor.parser(), records);
          } catch (IOException e) {
            cursor.malformed(e); // throws unless reading goes on at the next line
            continue;
          }
          remaining--;
        }
      }
    }
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
