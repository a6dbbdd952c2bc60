package dev.tidewater.connector.files;

import de.siegmar.fastcsv.reader.CsvCallbackHandler;
import de.siegmar.fastcsv.reader.RecordType;
import dev.tidewater.spi.TidewaterException;
import java.util.ArrayList;
import java.util.List;

/**
 * Receives the fields of CSV records straight from the parser's character buffer (no String per
 * field). The first record can be collected as the header; every later record goes to {@link
 * #field} and {@link #endRecord}. Empty lines are skipped.
 *
 * <p>When the handler {@link #keepsRecordText() keeps record text}, {@link #recordText()} gives the
 * current record as the file holds it, for rejections: the parser's input is recorded in an {@link
 * InputHistory}, and the record is found there from its start.
 */
abstract class CsvRecordHandler extends CsvCallbackHandler<Object> {
  /** What {@link #buildRecord} answers for a record that counts (null skips the record). */
  static final Object RECORD = Boolean.TRUE;

  final String fileName;
  private final char[] nullValue;
  private List<String> header;

  /** Fields the current record has had so far. */
  int fieldCount;

  /** The physical (1-based) line the current record started on. */
  long startLine;

  /** Line breaks inside the quoted fields the current record has had so far. */
  private long breaksInRecord;

  private boolean empty;

  /** Where the current record starts in the history, or -1. */
  long recordStart = -1;

  /** The recorded input, when record text is kept. */
  InputHistory history;

  /** FastCSV's recorded reader, whose buffer the field offsets point into; else null. */
  InputHistory.RecordingReader recording;

  private char delimiter;
  private char quote;
  private int escape = -1;

  CsvRecordHandler(String fileName, String nullValue) {
    this.fileName = fileName;
    this.nullValue = nullValue.toCharArray();
  }

  /** Makes the next record the header; {@link #takeHeader()} returns it afterwards. */
  final void expectHeader() {
    header = new ArrayList<>();
  }

  /** The collected header, or null. */
  final List<String> takeHeader() {
    List<String> result = header;
    header = null;
    return result;
  }

  /** Whether a non-empty field is the null value. */
  final boolean isNullValue(char[] text, int offset, int length) {
    char[] nullChars = nullValue;
    if (length != nullChars.length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (text[offset + i] != nullChars[i]) {
        return false;
      }
    }
    return true;
  }

  final boolean emptyIsNull() {
    return nullValue.length == 0;
  }

  /** Whether {@link #recordText()} is needed; the parser's input is then recorded. */
  boolean keepsRecordText() {
    return false;
  }

  /** Sets the dialect {@link #recordText()} scans with ({@code escape} -1 for none). */
  final void dialect(char delimiter, char quote, int escape) {
    this.delimiter = delimiter;
    this.quote = quote;
    this.escape = escape;
  }

  /**
   * The current record as the file holds it, without its line break, cut after {@link
   * InputHistory#TEXT_LIMIT} characters; null when the input is not recorded. The record ends at
   * the first line break outside quotes.
   */
  final String recordText() {
    if (history == null || recordStart < 0) {
      return null;
    }
    long limit = recordStart + InputHistory.TEXT_LIMIT + 1;
    long position = recordStart;
    boolean inQuotes = false;
    boolean quoteOpens = true; // at the start of a field, or right after a closing quote
    while (position < limit) {
      int c = history.at(position);
      if (c < 0) {
        if (position < history.end()) {
          position = limit; // the middle of an overlong record is not kept: it is cut
        }
        break; // else the end of the file
      }
      if (inQuotes) {
        if (c == escape) {
          position++;
        } else if (c == quote) {
          inQuotes = false;
          quoteOpens = true;
        }
      } else if (c == '\r' || c == '\n') {
        break;
      } else if (c == quote && quoteOpens) {
        inQuotes = true;
      } else {
        if (c == escape) {
          position++;
        }
        quoteOpens = c == delimiter;
      }
      position++;
    }
    return history.text(recordStart, position);
  }

  /** One field of a data record; index is its position in the record. */
  abstract void field(int index, char[] text, int offset, int length);

  /** The end of a data record. */
  abstract void endRecord();

  /** A record with more or fewer fields than {@code expected} (the header's or first record's). */
  final TidewaterException fieldCountError(int expected, String source) {
    return TidewaterException.user(
        "%s:%d: expected %d fields (as in the %s) but found %d",
        fileName, startLine, expected, source, fieldCount);
  }

  /**
   * The physical line the current record's next field starts on: its first line plus the line
   * breaks inside the quoted fields before it (an unquoted field holds none). Where a quote that is
   * never closed opened, since FastCSV fails before handing over that field.
   */
  final long nextFieldLine() {
    return startLine + breaksInRecord;
  }

  /** Line breaks in a value as FastCSV counts lines: {@code \r\n}, {@code \n} or {@code \r}. */
  private static int lineBreaks(char[] text, int offset, int length) {
    int breaks = 0;
    char previous = 0;
    for (int i = offset, end = offset + length; i < end; i++) {
      char c = text[i];
      if (c <= '\r' && (c == '\r' || (c == '\n' && previous != '\r'))) {
        breaks++;
      }
      previous = c;
    }
    return breaks;
  }

  @Override
  protected RecordType getRecordType() {
    return empty ? RecordType.EMPTY : RecordType.DATA;
  }

  @Override
  protected int getFieldCount() {
    return fieldCount;
  }

  @Override
  protected void beginRecord(long startingLineNumber) {
    fieldCount = 0;
    startLine = startingLineNumber;
    breaksInRecord = 0;
    empty = false;
  }

  @Override
  protected void addField(char[] text, int offset, int length, boolean quoted) {
    int index = fieldCount++;
    if (quoted) {
      // only a quoted value holds line breaks (for nextFieldLine)
      breaksInRecord += lineBreaks(text, offset, length);
    }
    if (index == 0 && recording != null) {
      // a quoted field's text starts after its quote
      recordStart = recording.base + offset - (quoted ? 1 : 0);
      history.keepFrom(recordStart);
    }
    if (header != null) {
      header.add(new String(text, offset, length));
      return;
    }
    field(index, text, offset, length);
  }

  @Override
  protected void setComment(char[] text, int offset, int length) {
    // comments are off
  }

  @Override
  protected void setEmpty() {
    empty = true;
  }

  @Override
  protected Object buildRecord() {
    if (empty) {
      return null;
    }
    if (header == null) {
      endRecord();
    }
    return RECORD;
  }
}
