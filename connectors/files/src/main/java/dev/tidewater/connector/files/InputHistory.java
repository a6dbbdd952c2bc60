package dev.tidewater.connector.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What a parser has read lately, kept so that a rejected record can be handed on as the text the
 * file holds, and so that a reader can start again after a record it cannot parse. A {@link
 * RecordingReader} or {@link RecordingInputStream} copies everything the parser reads into it.
 * Positions count the units of the stream (characters, or bytes of UTF-8) from its start.
 *
 * <p>It keeps the units from {@link #keepFrom} (the start of the current record) on, but no more
 * than {@link #KEEP_LIMIT}: of a longer record it keeps the first {@link #TEXT_LIMIT} units and the
 * newest ones, so memory stays bounded whatever the file holds. It can also count line breaks (CR,
 * LF, CR LF) for parsers whose own count is not exact.
 */
final class InputHistory {
  /** The longest record text handed on; a longer one is cut and ends with {@link #TRUNCATED}. */
  static final int TEXT_LIMIT = 64 * 1024;

  static final String TRUNCATED = " [... truncated]";

  /** Units kept at most; the parsers read 8 KiB or 64 KiB at a time. */
  static final int KEEP_LIMIT = 1 << 20;

  private final Unit unit;
  private final boolean countLines;
  private char[] buffer = new char[1 << 15];
  private long start;
  private int length;
  private long keepFrom;
  private char[] head;
  private long headStart = -1;
  private long lineCursor;
  private long lineBreaks;
  private boolean afterCarriageReturn;

  /** What a position counts. */
  enum Unit {
    CHARACTERS,
    UTF8_BYTES
  }

  /** Whether {@link #lineAt} is used: line breaks are then counted as the history moves on. */
  enum Lines {
    COUNTED,
    NOT_COUNTED
  }

  InputHistory(Unit unit, Lines lines) {
    this.unit = unit;
    this.countLines = lines == Lines.COUNTED;
  }

  /** The position after the last unit read. */
  long end() {
    return start + length;
  }

  /** Units before {@code position} are no longer needed. */
  void keepFrom(long position) {
    if (position > keepFrom) {
      keepFrom = position;
    }
  }

  /** The unit at {@code position}, or -1 when it is not kept (or not read yet). */
  int at(long position) {
    if (position >= start && position < start + length) {
      return buffer[(int) (position - start)];
    }
    if (head != null && position >= headStart && position < headStart + head.length) {
      return head[(int) (position - headStart)];
    }
    return -1;
  }

  /**
   * The text of {@code [from, to)}, cut after {@link #TEXT_LIMIT} units; null when its start is no
   * longer kept.
   */
  String text(long from, long to) {
    if (at(from) < 0) {
      return null;
    }
    if (to <= from) {
      return "";
    }
    boolean truncated = to - from > TEXT_LIMIT;
    int wanted = (int) (truncated ? TEXT_LIMIT - TRUNCATED.length() : to - from);
    char[] units = new char[wanted];
    int count = 0;
    while (count < wanted) {
      int c = at(from + count);
      if (c < 0) {
        truncated = true; // the middle of an overlong record is not kept
        break;
      }
      units[count++] = (char) c;
    }
    String text;
    if (unit == Unit.UTF8_BYTES) {
      byte[] bytes = new byte[count];
      for (int i = 0; i < count; i++) {
        bytes[i] = (byte) units[i];
      }
      text = new String(bytes, StandardCharsets.UTF_8);
    } else {
      text = new String(units, 0, count);
    }
    return truncated ? text + TRUNCATED : text;
  }

  /**
   * The 1-based line of {@code position}, or -1 when it lies before positions already counted past
   * (the start of a record whose first value was longer than {@link #KEEP_LIMIT}).
   */
  long lineAt(long position) {
    if (!countLines) {
      throw new IllegalStateException("this history does not count lines");
    }
    if (position < lineCursor) {
      return -1;
    }
    countLinesUpTo(Math.min(position, end()));
    return lineBreaks + 1;
  }

  private void countLinesUpTo(long position) {
    long breaks = lineBreaks;
    boolean afterCr = afterCarriageReturn;
    char[] units = buffer;
    for (int i = (int) (lineCursor - start), end = (int) (position - start); i < end; i++) {
      char c = units[i];
      if (c == '\r') {
        breaks++;
        afterCr = true;
      } else {
        if (c == '\n' && !afterCr) {
          breaks++;
        }
        afterCr = false;
      }
    }
    lineBreaks = breaks;
    afterCarriageReturn = afterCr;
    lineCursor = Math.max(lineCursor, position);
  }

  void append(char[] source, int offset, int count) {
    makeRoom(count);
    System.arraycopy(source, offset, buffer, length, count);
    length += count;
  }

  void append(byte[] source, int offset, int count) {
    makeRoom(count);
    char[] units = buffer;
    int at = length;
    for (int i = 0; i < count; i++) {
      units[at + i] = (char) (source[offset + i] & 0xFF);
    }
    length += count;
  }

  private void makeRoom(int count) {
    if (length + count <= buffer.length) {
      return;
    }
    long end = end();
    long from = Math.max(keepFrom, start);
    if (end - from + count > KEEP_LIMIT) {
      // an overlong record: keep its head, and the newest half of the limit
      saveHead();
      from = Math.max(from, Math.min(end, end + count - KEEP_LIMIT / 2));
    }
    drop(from);
    if (length + count > buffer.length) {
      buffer =
          Arrays.copyOf(buffer, Math.max(length + count, Math.min(KEEP_LIMIT, buffer.length * 2)));
    }
  }

  private void saveHead() {
    if (headStart == keepFrom || keepFrom < start) {
      return;
    }
    int offset = (int) (keepFrom - start);
    head = Arrays.copyOfRange(buffer, offset, offset + Math.min(TEXT_LIMIT, length - offset));
    headStart = keepFrom;
  }

  private void drop(long from) {
    if (from <= start) {
      return;
    }
    if (countLines && lineCursor < from) {
      countLinesUpTo(from);
    }
    int dropped = (int) (from - start);
    System.arraycopy(buffer, dropped, buffer, 0, length - dropped);
    length -= dropped;
    start = from;
  }

  /** A reader that records what it reads. */
  static final class RecordingReader extends Reader {
    private final Reader in;
    private final InputHistory history;

    /** The position of index 0 of the buffer the last read filled. */
    long base;

    RecordingReader(Reader in, InputHistory history) {
      this.in = in;
      this.history = history;
    }

    @Override
    public int read(char[] target, int offset, int count) throws IOException {
      int read = in.read(target, offset, count);
      if (read > 0) {
        base = history.end() - offset;
        history.append(target, offset, read);
      }
      return read;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /** An input stream that records what it reads. */
  static final class RecordingInputStream extends InputStream {
    private final InputStream in;
    private final InputHistory history;
    private final byte[] one = new byte[1];

    RecordingInputStream(InputStream in, InputHistory history) {
      this.in = in;
      this.history = history;
    }

    @Override
    public int read() throws IOException {
      int read = read(one, 0, 1);
      return read <= 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] target, int offset, int count) throws IOException {
      int read = in.read(target, offset, count);
      if (read > 0) {
        history.append(target, offset, read);
      }
      return read;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
