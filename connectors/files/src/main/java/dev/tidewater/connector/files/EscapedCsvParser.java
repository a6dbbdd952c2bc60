package dev.tidewater.connector.files;

import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * A CSV parser for files whose quoted fields escape with a character other than the quote (for
 * example {@code "say \"hi\""} with {@code escape = '\'}), which FastCSV does not support. Inside
 * quotes the escape character makes the next character literal and a doubled quote is one quote;
 * outside quotes both are ordinary characters. Line numbers count physical lines.
 */
final class EscapedCsvParser extends CsvRecords {
  private static final int END = -1;

  private final Reader reader;
  private final char delimiter;
  private final char quote;
  private final char escape;
  private final char[] buffer = new char[1 << 16];
  private int position;
  private int limit;
  private char[] field = new char[256];
  private int fieldLength;
  private long line = 1;

  EscapedCsvParser(
      Reader reader, char delimiter, char quote, char escape, CsvRecordHandler handler) {
    super(handler);
    this.reader = reader;
    this.delimiter = delimiter;
    this.quote = quote;
    this.escape = escape;
  }

  @Override
  boolean next() {
    try {
      while (true) {
        int c = read();
        if (c == END) {
          return false;
        }
        handler.beginRecord(line);
        if (c == '\n' || c == '\r') {
          endLine(c);
          handler.setEmpty();
        } else {
          parseRecord(c);
        }
        if (handler.buildRecord() != null) {
          return true;
        }
      }
    } catch (IOException e) {
      throw failure(new UncheckedIOException(e));
    }
  }

  private void parseRecord(int first) throws IOException {
    int c = first;
    boolean quoted = false;
    boolean inQuotes = false;
    fieldLength = 0;
    while (true) {
      if (c == END) {
        if (inQuotes) {
          throw TidewaterException.user(
              "%s:%d: malformed CSV: unclosed quoted field at the end of the file",
              handler.fileName, handler.startLine);
        }
        endField(quoted);
        return;
      }
      char ch = (char) c;
      if (inQuotes) {
        if (ch == escape) {
          int next = read();
          if (next == END) {
            c = END; // reported as an unclosed field
            continue;
          }
          countLineBreak(next);
          append((char) next);
        } else if (ch == quote) {
          int next = peek();
          if (next == quote) {
            read();
            append(quote);
          } else {
            inQuotes = false;
          }
        } else {
          countLineBreak(ch);
          append(ch);
        }
      } else if (ch == delimiter) {
        endField(quoted);
        quoted = false;
      } else if (ch == '\n' || ch == '\r') {
        endField(quoted);
        endLine(ch);
        return;
      } else if (ch == quote && fieldLength == 0 && !quoted) {
        quoted = true;
        inQuotes = true;
      } else {
        append(ch);
      }
      c = read();
    }
  }

  private void endField(boolean quoted) {
    handler.addField(field, 0, fieldLength, quoted);
    fieldLength = 0;
  }

  /** Consumes the line break that starts with {@code c}, counting one line. */
  private void endLine(int c) throws IOException {
    if (c == '\r' && peek() == '\n') {
      read();
    }
    line++;
  }

  /** Counts a line break inside a quoted field (CR LF once). */
  private void countLineBreak(int c) throws IOException {
    if (c == '\n' || (c == '\r' && peek() != '\n')) {
      line++;
    }
  }

  private void append(char c) {
    if (fieldLength == field.length) {
      field = Arrays.copyOf(field, field.length * 2);
    }
    field[fieldLength++] = c;
  }

  private int read() throws IOException {
    if (position == limit && !fill()) {
      return END;
    }
    return buffer[position++];
  }

  private int peek() throws IOException {
    if (position == limit && !fill()) {
      return END;
    }
    return buffer[position];
  }

  private boolean fill() throws IOException {
    int count = reader.read(buffer, 0, buffer.length);
    if (count <= 0) {
      return false;
    }
    position = 0;
    limit = count;
    return true;
  }

  @Override
  public void close() {
    try {
      reader.close();
    } catch (IOException e) {
      throw TidewaterException.user("%s: cannot be closed: %s", handler.fileName, e.getMessage());
    }
  }
}
