package dev.tidewater.connector.files;

import com.fasterxml.jackson.core.JsonParser;
import dev.tidewater.connector.text.ColumnWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;

/**
 * The input of a JSON parser recorded into an {@link InputHistory}, for readers that reject
 * records: it finds line starts and ends in what was read, cuts out the text of a record's lines,
 * and starts a new parser at any recorded position (after a malformed line of JSON Lines).
 * Positions are those of the history: bytes of UTF-8, or characters for other encodings.
 */
final class RecordedJsonInput {
  private final InputHistory history;
  private final InputHistory.RecordingInputStream recordedBytes;
  private final InputHistory.RecordingReader recordedCharacters;

  private RecordedJsonInput(
      InputHistory history,
      InputHistory.RecordingInputStream recordedBytes,
      InputHistory.RecordingReader recordedCharacters) {
    this.history = history;
    this.recordedBytes = recordedBytes;
    this.recordedCharacters = recordedCharacters;
  }

  /** Records the bytes of a UTF-8 stream. */
  static RecordedJsonInput ofUtf8(InputStream stream) {
    InputHistory history =
        new InputHistory(InputHistory.Unit.UTF8_BYTES, InputHistory.Lines.NOT_COUNTED);
    return new RecordedJsonInput(
        history, new InputHistory.RecordingInputStream(stream, history), null);
  }

  /** Records the characters of a decoded stream. */
  static RecordedJsonInput ofCharacters(Reader reader) {
    InputHistory history =
        new InputHistory(InputHistory.Unit.CHARACTERS, InputHistory.Lines.NOT_COUNTED);
    return new RecordedJsonInput(history, null, new InputHistory.RecordingReader(reader, history));
  }

  /** A parser over the recorded input from its start. */
  JsonParser parser() throws IOException {
    return recordedBytes != null
        ? ColumnWriter.JSON_FACTORY.createParser(recordedBytes)
        : ColumnWriter.JSON_FACTORY.createParser(recordedCharacters);
  }

  /** A parser over the input from {@code resume} on: the recorded rest, then the stream. */
  JsonParser parserAt(long resume) throws IOException {
    int count = (int) Math.max(0, history.end() - resume);
    if (recordedBytes != null) {
      byte[] replay = new byte[count];
      for (int i = 0; i < count; i++) {
        replay[i] = (byte) history.at(resume + i);
      }
      return ColumnWriter.JSON_FACTORY.createParser(new ReplayInputStream(replay, recordedBytes));
    }
    char[] replay = new char[count];
    for (int i = 0; i < count; i++) {
      replay[i] = (char) history.at(resume + i);
    }
    return ColumnWriter.JSON_FACTORY.createParser(new ReplayReader(replay, recordedCharacters));
  }

  /** Keeps the input from {@code position} on; what lies before may be dropped. */
  void keepFrom(long position) {
    history.keepFrom(position);
  }

  /** The recorded text between two positions. */
  String text(long from, long to) {
    return history.text(from, to);
  }

  /** The position of the first unit of the line that holds {@code position}. */
  long lineStart(long position) {
    long at = position;
    while (true) {
      int previous = history.at(at - 1);
      if (previous < 0 || previous == '\n') {
        return at;
      }
      at--;
    }
  }

  /** Whether only blanks lie between two positions. */
  boolean blank(long from, long to) {
    for (long at = from; at < to; at++) {
      int c = history.at(at);
      if (c != ' ' && c != '\t' && c != '\r') {
        return false;
      }
    }
    return true;
  }

  /** The position after the line break that ends the line of {@code position}, reading on. */
  long afterLineBreak(long position) throws IOException {
    long at = position;
    byte[] bytes = recordedBytes == null ? null : new byte[8192];
    char[] characters = recordedBytes == null ? new char[8192] : null;
    while (true) {
      int c = history.at(at);
      if (c == '\n') {
        return at + 1;
      }
      if (c >= 0 || at < history.end()) {
        at++;
        continue;
      }
      // the line goes on beyond what the parser read
      int read =
          bytes != null
              ? recordedBytes.read(bytes, 0, bytes.length)
              : recordedCharacters.read(characters, 0, characters.length);
      if (read < 0) {
        return at;
      }
    }
  }

  /**
   * The text of the lines from the one holding {@code from} to the one holding {@code to}, without
   * the final line break.
   */
  String lineText(long from, long to) {
    long start = lineStart(from);
    long end = Math.max(to, start);
    long limit = start + InputHistory.TEXT_LIMIT + 1;
    while (end < limit) {
      int c = history.at(end);
      if (c == '\n') {
        break;
      }
      if (c < 0) {
        if (end < history.end()) {
          end = limit; // the middle of an overlong line is not kept: it is cut
        }
        break;
      }
      end++;
    }
    if (end > start && end < limit && history.at(end - 1) == '\r') {
      end--;
    }
    return history.text(start, end);
  }

  /** Bytes already read, then the rest of a stream (which stays open at its end). */
  private static final class ReplayInputStream extends InputStream {
    private final byte[] replay;
    private final InputStream rest;
    private int position;

    ReplayInputStream(byte[] replay, InputStream rest) {
      this.replay = replay;
      this.rest = rest;
    }

    @Override
    public int read() throws IOException {
      return position < replay.length ? replay[position++] & 0xFF : rest.read();
    }

    @Override
    public int read(byte[] target, int offset, int count) throws IOException {
      if (position < replay.length) {
        int read = Math.min(count, replay.length - position);
        System.arraycopy(replay, position, target, offset, read);
        position += read;
        return read;
      }
      return rest.read(target, offset, count);
    }

    @Override
    public void close() {
      // the input is closed by JsonRecords
    }
  }

  /** Characters already read, then the rest of a reader. */
  private static final class ReplayReader extends Reader {
    private final char[] replay;
    private final Reader rest;
    private int position;

    ReplayReader(char[] replay, Reader rest) {
      this.replay = replay;
      this.rest = rest;
    }

    @Override
    public int read(char[] target, int offset, int count) throws IOException {
      if (position < replay.length) {
        int read = Math.min(count, replay.length - position);
        System.arraycopy(replay, position, target, offset, read);
        position += read;
        return read;
      }
      return rest.read(target, offset, count);
    }

    @Override
    public void close() {
      // the input is closed by JsonRecords
    }
  }
}
