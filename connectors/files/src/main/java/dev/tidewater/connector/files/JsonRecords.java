package dev.tidewater.connector.files;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Walks the records of a JSON or JSON Lines file with Jackson's streaming parser, leaving the
 * parser on each record's {@code START_OBJECT}. JSON Lines: every top-level value is a record.
 * JSON: the value at {@code records_path} (default the document itself) is an array of records or
 * one record; top-level values after the first are records too. Null records are skipped.
 */
final class JsonRecords implements AutoCloseable {
  private enum Mode {
    START,
    TOP_LEVEL,
    ARRAY,
    DONE
  }

  private final FileSplit file;
  private final FileFormat format;
  private final FilesOptions options;
  private final FileInput.Opened input;
  private final JsonParser parser;
  private Mode mode = Mode.START;
  private long recordNumber;
  private long recordLine;

  JsonRecords(FileSplit file, FileFormat format, FilesOptions options) {
    this.file = file;
    this.format = format;
    this.options = options;
    this.input = FileInput.open(file);
    try {
      if (!options.encoding().equals(StandardCharsets.UTF_8)) {
        this.parser =
            ColumnWriter.JSON_FACTORY.createParser(
                new InputStreamReader(
                    input.stream(),
                    options
                        .encoding()
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)));
      } else {
        // Jackson reads UTF-8 (also detects UTF-16/32) and skips a byte order mark
        this.parser = ColumnWriter.JSON_FACTORY.createParser(input.stream());
      }
    } catch (IOException e) {
      closeQuietly();
      throw TidewaterException.user("%s: cannot be read: %s", file.displayName(), e.getMessage());
    }
  }

  JsonParser parser() {
    return parser;
  }

  /** The 1-based number of the current record in the file. */
  long recordNumber() {
    return recordNumber;
  }

  /** The line the current record starts on. */
  long recordLine() {
    return recordLine;
  }

  /** The line of the parser's current token. */
  long currentLine() {
    return parser.currentTokenLocation().getLineNr();
  }

  long bytesRead() {
    return input.counter().bytesRead();
  }

  /** Moves to the next record's {@code START_OBJECT}; false at the end. */
  boolean next() {
    try {
      while (true) {
        JsonToken token;
        switch (mode) {
          case START:
            token = start();
            if (token == JsonToken.START_ARRAY && format == FileFormat.JSON) {
              mode = Mode.ARRAY;
              continue;
            }
            break;
          case TOP_LEVEL:
            token = parser.nextToken();
            if (token == null) {
              mode = Mode.DONE;
              return false;
            }
            break;
          case ARRAY:
            token = parser.nextToken();
            if (token == JsonToken.END_ARRAY) {
              // without a records_path, more top-level values may follow
              mode = options.recordsPath().isEmpty() ? Mode.TOP_LEVEL : Mode.DONE;
              continue;
            }
            break;
          default:
            return false;
        }
        if (token == null) {
          mode = Mode.DONE;
          return false;
        }
        if (token == JsonToken.VALUE_NULL) {
          continue;
        }
        if (token != JsonToken.START_OBJECT) {
          throw TidewaterException.user(
              "%s:%d: expected a JSON object as a record but found %s",
              file.displayName(), currentLine(), describe(token));
        }
        recordNumber++;
        recordLine = currentLine();
        return true;
      }
    } catch (IOException e) {
      throw failure(e);
    }
  }

  private JsonToken start() throws IOException {
    JsonToken token = parser.nextToken();
    mode = Mode.TOP_LEVEL;
    if (token == null || format == FileFormat.JSONL) {
      return token;
    }
    List<String> path = options.recordsPath();
    for (String key : path) {
      if (token != JsonToken.START_OBJECT) {
        throw recordsPathNotFound();
      }
      token = findField(key);
    }
    if (!path.isEmpty()) {
      mode = Mode.DONE; // one record (or null) at the path; the rest of the document is ignored
    }
    return token;
  }

  /** Within an object, moves to the value of {@code key}. */
  private JsonToken findField(String key) throws IOException {
    JsonToken token;
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
      boolean match = key.equals(parser.currentName());
      JsonToken value = parser.nextToken();
      if (match) {
        return value;
      }
      parser.skipChildren();
    }
    throw recordsPathNotFound();
  }

  private TidewaterException recordsPathNotFound() {
    return TidewaterException.user(
        "%s: records_path '%s' does not lead to an object or array in the document",
        file.displayName(), options.recordsPathText());
  }

  /** Turns a parse failure into a user error naming the file and line. */
  TidewaterException failure(IOException e) {
    if (e instanceof StreamReadException parse) {
      long line = parse.getLocation() == null ? currentLine() : parse.getLocation().getLineNr();
      return TidewaterException.user(
          "%s:%d: malformed JSON: %s", file.displayName(), line, parse.getOriginalMessage());
    }
    return TidewaterException.user(
        "%s:%d: cannot be read: %s", file.displayName(), currentLine(), e.getMessage());
  }

  private static String describe(JsonToken token) {
    switch (token) {
      case START_ARRAY:
        return "an array";
      case VALUE_STRING:
        return "a string";
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return "a number";
      case VALUE_TRUE:
      case VALUE_FALSE:
        return "a boolean";
      default:
        return token.toString();
    }
  }

  private void closeQuietly() {
    try {
      input.stream().close();
    } catch (IOException e) {
      // nothing was read; the open failure is reported
    }
  }

  @Override
  public void close() {
    try {
      parser.close();
      input.stream().close();
    } catch (IOException e) {
      throw TidewaterException.user("%s: cannot be closed: %s", file.displayName(), e.getMessage());
    }
  }
}
