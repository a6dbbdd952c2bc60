package dev.tidewater.connector.files;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import dev.tidewater.connector.text.ColumnWriter;
import dev.tidewater.spi.RecordRejections;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Walks the records of a JSON or JSON Lines file with Jackson's streaming parser, leaving the
 * parser on each record's {@code START_OBJECT}. JSON Lines: every top-level value is a record.
 * JSON: the value at {@code records_path} (default the document itself) is an array of records or
 * one record; top-level values after the first are records too. Null records are skipped.
 *
 * <p>With {@link RecordRejections}, a record that is not an object is rejected, and so is a record
 * the caller cannot read ({@link #rejectRecord}), each with its text as the file holds it. In JSON
 * Lines a line that is not valid JSON is rejected too, and reading goes on at the next line with a
 * new parser; in a JSON document a syntax error stays fatal, as nothing tells where the next record
 * starts.
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
  private final RecordRejections rejections;

  /** The parser's input when records are rejected (else null). */
  private final RecordedJsonInput history;

  private JsonParser parser;

  /** The position (in the history's units) of the parser's offset 0, and the lines before it. */
  private long parserBase;

  private long lineBase;

  private Mode mode = Mode.START;
  private long recordNumber;
  private long recordLine;

  /** The position of the current record's {@code START_OBJECT}, or -1 between records. */
  private long recordStart = -1;

  private JsonStreamContext recordContext;

  JsonRecords(
      FileSplit file, FileFormat format, FilesOptions options, RecordRejections rejections) {
    this.file = file;
    this.format = format;
    this.options = options;
    this.rejections = rejections;
    this.input = FileInput.open(file);
    try {
      boolean utf8 = options.encoding().equals(StandardCharsets.UTF_8);
      if (rejections == null) {
        history = null;
      } else if (utf8) {
        history = RecordedJsonInput.ofUtf8(input.stream());
      } else {
        history = RecordedJsonInput.ofCharacters(decoder());
      }
      if (history != null) {
        parser = history.parser();
      } else if (utf8) {
        // Jackson reads UTF-8 (also detects UTF-16/32) and skips a byte order mark
        parser = ColumnWriter.JSON_FACTORY.createParser(input.stream());
      } else {
        parser = ColumnWriter.JSON_FACTORY.createParser(decoder());
      }
      // the input is closed by close(), also when a new parser replaced this one
      parser.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
    } catch (IOException e) {
      closeQuietly();
      throw TidewaterException.user("%s: cannot be read: %s", file.displayName(), e.getMessage());
    }
  }

  private Reader decoder() {
    return new InputStreamReader(
        input.stream(),
        options
            .encoding()
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT));
  }

  /** The parser; it changes when reading goes on after a malformed line. */
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
    return lineBase + parser.currentTokenLocation().getLineNr();
  }

  long bytesRead() {
    return input.counter().bytesRead();
  }

  /** Moves to the next record's {@code START_OBJECT}; false at the end. */
  boolean next() {
    recordStart = -1;
    while (true) {
      try {
        if (history != null) {
          history.keepFrom(position(parser.currentLocation()));
        }
        JsonToken token = nextValue();
        if (token == null) {
          return false;
        }
        if (token == JsonToken.VALUE_NULL) {
          continue;
        }
        JsonLocation location = parser.currentTokenLocation();
        if (token != JsonToken.START_OBJECT) {
          rejectNonObject(token, location);
          continue;
        }
        recordNumber++;
        recordLine = lineBase + location.getLineNr();
        recordStart = position(location);
        recordContext = parser.getParsingContext();
        return true;
      } catch (IOException e) {
        malformed(e);
      }
    }
  }

  /** The next value where a record may be, or null at the end. */
  private JsonToken nextValue() throws IOException {
    while (true) {
      switch (mode) {
        case START:
          JsonToken first = start();
          if (first == JsonToken.START_ARRAY && format == FileFormat.JSON) {
            mode = Mode.ARRAY;
            continue;
          }
          if (first != null
              && format == FileFormat.JSON
              && first != JsonToken.START_OBJECT
              && first != JsonToken.VALUE_NULL) {
            throw TidewaterException.user(
                "%s:%d: expected a JSON object or an array of objects %s but found %s",
                file.displayName(),
                currentLine(),
                options.recordsPath().isEmpty()
                    ? "as the document"
                    : "at records_path '" + options.recordsPathText() + "'",
                describe(first));
          }
          return first;
        case TOP_LEVEL:
          JsonToken token = parser.nextToken();
          if (token == null) {
            mode = Mode.DONE;
          }
          return token;
        case ARRAY:
          token = parser.nextToken();
          if (token == JsonToken.END_ARRAY) {
            // without a records_path, more top-level values may follow
            mode = options.recordsPath().isEmpty() ? Mode.TOP_LEVEL : Mode.DONE;
            continue;
          }
          return token;
        default:
          return null;
      }
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

  /** A record that is a scalar or an array: rejected, or an error without rejections. */
  private void rejectNonObject(JsonToken token, JsonLocation location) throws IOException {
    long line = lineBase + location.getLineNr();
    String reason = "expected a JSON object as a record but found " + describe(token);
    if (rejections == null) {
      throw TidewaterException.user("%s:%d: %s", file.displayName(), line, reason);
    }
    recordNumber++;
    long start = position(location);
    parser.skipChildren();
    parser.finishToken();
    long end = position(parser.currentLocation());
    String text =
        format == FileFormat.JSONL
            ? history.lineText(start, end)
            : history.text(start, end).strip();
    rejections.reject(position(line, recordNumber), reason, text);
  }

  /**
   * Rejects the current record, which the caller could not read for {@code reason}: reads past its
   * end and hands it on with its text.
   */
  void rejectRecord(String reason) {
    try {
      JsonStreamContext outside = recordContext.getParent();
      while (!(parser.currentToken() == JsonToken.END_OBJECT
          && parser.getParsingContext() == outside)) {
        if (parser.nextToken() == null) {
          break;
        }
      }
    } catch (IOException e) {
      malformed(e); // the rest of the record is not even JSON: rejected as such
      return;
    }
    long end = position(parser.currentLocation());
    String text =
        format == FileFormat.JSONL
            ? history.lineText(recordStart, end)
            : history.text(recordStart, end);
    rejections.reject(position(recordLine, recordNumber), reason, text);
    recordStart = -1;
  }

  /**
   * Handles a failure of reading: in JSON Lines with rejections a syntax error rejects the broken
   * record (or line) and reading goes on at the next line; anything else is thrown as a user error
   * naming the file, line and column.
   */
  void malformed(IOException e) {
    if (!(e instanceof StreamReadException parse)
        || format != FileFormat.JSONL
        || rejections == null
        || parse.getLocation() == null) {
      throw failure(e);
    }
    JsonLocation location = parse.getLocation();
    long errorPosition = position(location);
    long errorLine = lineBase + location.getLineNr();
    boolean inRecord = recordStart >= 0;
    long start = inRecord ? recordStart : errorPosition;
    long line = inRecord ? recordLine : errorLine;
    history.keepFrom(history.lineStart(start));
    long errorLineStart = history.lineStart(errorPosition);
    long resume;
    long linesBefore;
    long end;
    if (inRecord
        && errorLineStart > history.lineStart(start)
        && history.blank(errorLineStart, errorPosition)) {
      // the record broke off at a line break and the next line starts anew: keep that line
      resume = errorLineStart;
      linesBefore = errorLine - 1;
      end = errorLineStart - 1;
    } else {
      try {
        resume = history.afterLineBreak(errorPosition);
      } catch (IOException failure) {
        throw failure(failure);
      }
      linesBefore = errorLine;
      end = errorPosition;
    }
    String reason = "malformed JSON: " + parse.getOriginalMessage();
    rejections.reject(position(line, recordNumber), reason, history.lineText(start, end));
    restartAt(resume, linesBefore);
  }

  /** Goes on reading at {@code resume} with a new parser. */
  private void restartAt(long resume, long linesBefore) {
    try {
      parser.close();
      parser = history.parserAt(resume);
      parser.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
    } catch (IOException e) {
      throw failure(e);
    }
    parserBase = resume;
    lineBase = linesBefore;
    history.keepFrom(resume);
    recordStart = -1;
    mode = Mode.TOP_LEVEL;
  }

  private long position(JsonLocation location) {
    long offset = location.getByteOffset();
    return parserBase + (offset >= 0 ? offset : location.getCharOffset());
  }

  private String position(long line, long number) {
    return format == FileFormat.JSONL
        ? file.displayName() + ":" + line
        : file.displayName() + " record " + number;
  }

  /** Turns a parse failure into a user error naming the file, line and column. */
  TidewaterException failure(IOException e) {
    if (e instanceof StreamReadException parse) {
      JsonLocation location = parse.getLocation();
      long line = location == null ? currentLine() : lineBase + location.getLineNr();
      String column = location == null ? "" : " (column " + location.getColumnNr() + ")";
      return TidewaterException.user(
          "%s:%d: malformed JSON: %s%s",
          file.displayName(), line, parse.getOriginalMessage(), column);
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
      if (parser != null) {
        parser.close();
      }
      input.stream().close();
    } catch (IOException e) {
      throw TidewaterException.user("%s: cannot be closed: %s", file.displayName(), e.getMessage());
    }
  }
}
