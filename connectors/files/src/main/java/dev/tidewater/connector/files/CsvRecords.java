package dev.tidewater.connector.files;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import de.siegmar.fastcsv.reader.CloseableIterator;
import de.siegmar.fastcsv.reader.CommentStrategy;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.util.Locale;

/**
 * A stream of CSV records pushed into a {@link CsvRecordHandler}: FastCSV's strict parser, or
 * Jackson's CSV parser when an escape character other than the quote is set (FastCSV has none).
 */
abstract class CsvRecords implements AutoCloseable {
  private static final CsvFactory JACKSON_CSV =
      CsvFactory.builder()
          .disable(CsvParser.Feature.SKIP_EMPTY_LINES) // an empty line is told apart below
          .disable(CsvParser.Feature.TRIM_SPACES)
          .disable(CsvParser.Feature.ALLOW_COMMENTS)
          .disable(CsvParser.Feature.EMPTY_STRING_AS_NULL)
          .build();

  final CsvRecordHandler handler;

  CsvRecords(CsvRecordHandler handler) {
    this.handler = handler;
  }

  /** Parses the next non-empty record into the handler; false at the end of the file. */
  abstract boolean next();

  @Override
  public abstract void close();

  /** Opens the records of a file's bytes (the BOM already skipped). */
  static CsvRecords open(FilesOptions options, InputStream input, CsvRecordHandler handler) {
    // decoding errors are reported, not replaced, so that no text is silently changed
    Reader reader =
        new InputStreamReader(
            input,
            options
                .encoding()
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT));
    int escape = options.escape().isPresent() ? options.escape().get() : -1;
    handler.dialect(options.delimiter(), options.quote(), escape);
    if (escape >= 0) {
      // Jackson's line numbers miss escaped line breaks: lines are counted in the history
      InputHistory history =
          new InputHistory(InputHistory.Unit.CHARACTERS, InputHistory.Lines.COUNTED);
      handler.history = history;
      return new JacksonCsv(
          new InputHistory.RecordingReader(reader, history), options, (char) escape, handler);
    }
    if (handler.keepsRecordText()) {
      handler.history =
          new InputHistory(InputHistory.Unit.CHARACTERS, InputHistory.Lines.NOT_COUNTED);
      handler.recording = new InputHistory.RecordingReader(reader, handler.history);
      reader = handler.recording;
    }
    CsvReader<Object> csv =
        CsvReader.builder()
            .fieldSeparator(options.delimiter())
            .quoteCharacter(options.quote())
            .commentStrategy(CommentStrategy.NONE)
            .skipEmptyLines(true)
            .allowExtraFields(true)
            .allowMissingFields(true)
            // a quote never closed is an error, not the rest of the file as one value
            .allowUnclosedQuote(false)
            .maxBufferSize(MAX_FIELD_CHARS)
            .build(handler, reader);
    return new FastCsv(csv, handler);
  }

  /** Turns a failure of reading into a user error naming the file and line. */
  final RuntimeException failure(Exception e) {
    Throwable cause = e;
    while (cause instanceof CsvParseException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof TidewaterException tidewater) {
      return tidewater;
    }
    if (cause instanceof UncheckedIOException unchecked) {
      cause = unchecked.getCause();
    }
    if (cause instanceof CharacterCodingException) {
      return TidewaterException.user(
          "%s:%d: the file is not valid text in the encoding set by option 'encoding' (%s)",
          handler.fileName, handler.startLine, cause);
    }
    if (cause instanceof StreamReadException malformed) {
      return TidewaterException.user(
          "%s:%d: malformed CSV: %s",
          handler.fileName, handler.startLine, malformed.getOriginalMessage());
    }
    if (cause instanceof IOException) {
      return TidewaterException.user(
          "%s: cannot be read: %s", handler.fileName, cause.getMessage());
    }
    if (cause instanceof CsvParseException) {
      String message = String.valueOf(cause.getMessage());
      if (message.startsWith(UNCLOSED_QUOTE) || message.contains(FIELD_TOO_LONG)) {
        return unclosedQuote(message.startsWith(UNCLOSED_QUOTE));
      }
      return TidewaterException.user(
          "%s:%d: malformed CSV: %s", handler.fileName, handler.startLine, message);
    }
    return (RuntimeException) e;
  }

  /**
   * How FastCSV (with {@code allowUnclosedQuote(false)}) says that the file ends inside quotes, and
   * that a quoted value outgrew its buffer, which an unclosed quote in a large file does first.
   */
  private static final String UNCLOSED_QUOTE = "Unclosed quoted field at end of input";

  private static final String FIELD_TOO_LONG = "is insufficient to read the data of a single field";

  /** FastCSV's default (and our) limit on the characters of one field. */
  private static final int MAX_FIELD_CHARS = 16 * 1024 * 1024;

  /**
   * A quote opened and never closed (or a value over the field limit, which an unclosed quote in a
   * large file reaches first): named with the line the value starts on, which differs from the
   * record's first line when an earlier quoted value of the record spans lines.
   */
  private RuntimeException unclosedQuote(boolean atEndOfFile) {
    long line = handler.nextFieldLine();
    String record =
        line == handler.startLine
            ? ""
            : " (in the record starting on line " + handler.startLine + ")";
    if (atEndOfFile) {
      return TidewaterException.user(
          "%s:%d: malformed CSV: the quote opened on line %d is never closed%s; a quoted value"
              + " ends with a quote (a quote inside it is doubled)",
          handler.fileName, line, line, record);
    }
    return TidewaterException.user(
        "%s:%d: malformed CSV: the value starting on line %d is longer than %s characters%s;"
            + " most likely a quote opened there is never closed",
        handler.fileName, line, line, String.format(Locale.ROOT, "%,d", MAX_FIELD_CHARS), record);
  }

  private static final class FastCsv extends CsvRecords {
    private final CsvReader<Object> csv;
    private final CloseableIterator<Object> records;

    FastCsv(CsvReader<Object> csv, CsvRecordHandler handler) {
      super(handler);
      this.csv = csv;
      this.records = csv.iterator();
    }

    @Override
    boolean next() {
      try {
        if (!records.hasNext()) {
          return false;
        }
        records.next();
        return true;
      } catch (RuntimeException e) {
        throw failure(e);
      }
    }

    @Override
    public void close() {
      try {
        csv.close();
      } catch (IOException e) {
        throw TidewaterException.user("%s: cannot be closed: %s", handler.fileName, e.getMessage());
      }
    }
  }

  /**
   * Jackson's CSV parser, for an escape character: it makes the next character literal inside and
   * outside quotes, except that it reads {@code 0}, {@code n}, {@code r} and {@code t} after it as
   * NUL, line feed, carriage return and tab. A doubled quote inside quotes is one quote too.
   */
  private static final class JacksonCsv extends CsvRecords {
    private final InputHistory.RecordingReader reader;
    private final InputHistory history;
    private final CsvParser parser;

    JacksonCsv(
        InputHistory.RecordingReader reader,
        FilesOptions options,
        char escape,
        CsvRecordHandler handler) {
      super(handler);
      this.reader = reader;
      this.history = handler.history;
      CsvSchema schema =
          CsvSchema.emptySchema()
              .withoutHeader()
              .withColumnSeparator(options.delimiter())
              .withEscapeChar(escape);
      schema =
          options.quote() == '\0'
              ? schema.withoutQuoteChar()
              : schema.withQuoteChar(options.quote());
      try {
        parser = JACKSON_CSV.createParser(reader);
      } catch (IOException e) {
        throw failure(e);
      }
      parser.setSchema(schema);
    }

    @Override
    boolean next() {
      try {
        while (true) {
          JsonToken token = parser.nextToken();
          if (token == null) {
            return false;
          }
          if (token != JsonToken.START_ARRAY) {
            throw TidewaterException.internal(null, "expected a CSV record, found %s", token);
          }
          token = parser.nextToken();
          long start = parser.currentTokenLocation().getCharOffset();
          int first = history.at(start);
          if (token == JsonToken.VALUE_STRING
              && parser.getTextLength() == 0
              && (first == '\r' || first == '\n' || first < 0)) {
            // an empty line, which Jackson reads as one empty value: skipped, as FastCSV does
            while (token != JsonToken.END_ARRAY) {
              token = parser.nextToken();
            }
            continue;
          }
          long line = history.lineAt(start);
          handler.beginRecord(line > 0 ? line : parser.currentTokenLocation().getLineNr());
          handler.recordStart = start;
          history.keepFrom(start);
          for (; token == JsonToken.VALUE_STRING; token = parser.nextToken()) {
            handler.addField(
                parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength(), false);
          }
          if (token != JsonToken.END_ARRAY) {
            throw TidewaterException.internal(
                null, "expected the end of a CSV record, found %s", token);
          }
          if (handler.buildRecord() != null) {
            return true;
          }
        }
      } catch (IOException e) {
        throw failure(e);
      } catch (RuntimeException e) {
        throw failure(e);
      }
    }

    @Override
    public void close() {
      try {
        parser.close();
        reader.close();
      } catch (IOException e) {
        throw TidewaterException.user("%s: cannot be closed: %s", handler.fileName, e.getMessage());
      }
    }
  }
}
