package dev.tidewater.connector.files;

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

/**
 * A stream of CSV records pushed into a {@link CsvRecordHandler}: FastCSV's strict parser, or
 * {@link EscapedCsvParser} when an escape character other than the quote is set.
 */
abstract class CsvRecords implements AutoCloseable {
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
    if (options.escape().isPresent()) {
      return new EscapedCsvParser(
          reader, options.delimiter(), options.quote(), options.escape().get(), handler);
    }
    CsvReader<Object> csv =
        CsvReader.builder()
            .fieldSeparator(options.delimiter())
            .quoteCharacter(options.quote())
            .commentStrategy(CommentStrategy.NONE)
            .skipEmptyLines(true)
            .allowExtraFields(true)
            .allowMissingFields(true)
            .build(handler, reader);
    return new FastCsv(csv, handler);
  }

  /** Turns a failure of reading into a user error naming the file and line. */
  final RuntimeException failure(RuntimeException e) {
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
    if (cause instanceof IOException) {
      return TidewaterException.user(
          "%s: cannot be read: %s", handler.fileName, cause.getMessage());
    }
    if (cause instanceof CsvParseException) {
      return TidewaterException.user(
          "%s:%d: malformed CSV: %s", handler.fileName, handler.startLine, cause.getMessage());
    }
    return e;
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
}
