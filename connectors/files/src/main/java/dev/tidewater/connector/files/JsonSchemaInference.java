package dev.tidewater.connector.files;

import dev.tidewater.connector.text.JsonTypeInference;
import dev.tidewater.spi.RecordRejections;
import java.io.IOException;
import java.util.List;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Infers the schema of JSON or JSON Lines files from their first {@code sample_rows} records with
 * {@link JsonTypeInference}.
 */
final class JsonSchemaInference {
  private static final RecordRejections IGNORED = (position, reason, record) -> {};

  private JsonSchemaInference() {}

  static Schema infer(FilesOptions options, FileFormat format, List<FileSplit> files) {
    JsonTypeInference inference = new JsonTypeInference();
    long remaining = options.sampleRows();
    for (FileSplit file : files) {
      if (remaining <= 0) {
        break;
      }
      // records that cannot be read are left out here; reading them fails or rejects them
      try (JsonRecords cursor = new JsonRecords(file, format, options, IGNORED)) {
        while (remaining > 0 && cursor.next()) {
          try {
            inference.observeRecord(cursor.parser());
          } catch (IOException e) {
            cursor.malformed(e); // throws unless reading goes on at the next line
            continue;
          }
          remaining--;
        }
      }
    }
    return inference.schema();
  }
}
