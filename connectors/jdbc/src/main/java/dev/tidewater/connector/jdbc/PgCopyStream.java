package dev.tidewater.connector.jdbc;

import java.sql.SQLException;
import java.util.Arrays;
import org.postgresql.copy.CopyOut;

/**
 * The bytes of a {@code COPY ... TO STDOUT (FORMAT binary)} as the driver hands them over (one
 * message per row, as PostgreSQL sends them), read as one stream: a value that spans two messages
 * is gathered into a scratch array, every other value is decoded where it lies.
 */
final class PgCopyStream {
  private static final byte[] SIGNATURE = {
    'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0
  };

  private final CopyOut copy;
  private byte[] chunk = new byte[0];
  private int position;
  private byte[] scratch = new byte[64];
  private long bytes;
  private boolean ended;

  PgCopyStream(CopyOut copy) {
    this.copy = copy;
  }

  /** Reads and checks the header: the signature, the flags and the header extension. */
  void readHeader() throws SQLException {
    byte[] signature = new byte[SIGNATURE.length];
    readFully(signature, 0, signature.length);
    if (!Arrays.equals(signature, SIGNATURE)) {
      throw new SQLException("COPY did not send PostgreSQL's binary format");
    }
    int flags = readInt();
    if ((flags & (1 << 16)) != 0) {
      throw new SQLException("COPY sent OIDs, which Tidewater did not ask for");
    }
    int extension = readInt();
    while (extension-- > 0) {
      readByte();
    }
  }

  /** The field count of the next tuple, or -1 at the trailer. */
  short readShort() throws SQLException {
    if (chunk.length - position >= 2) {
      short value = (short) PgBinaryDecoder.SHORT.get(chunk, position);
      position += 2;
      return value;
    }
    readFully(scratch, 0, 2);
    return (short) PgBinaryDecoder.SHORT.get(scratch, 0);
  }

  int readInt() throws SQLException {
    if (chunk.length - position >= 4) {
      int value = (int) PgBinaryDecoder.INT.get(chunk, position);
      position += 4;
      return value;
    }
    readFully(scratch, 0, 4);
    return (int) PgBinaryDecoder.INT.get(scratch, 0);
  }

  /** Decodes the next {@code length} bytes into row {@code row} through {@code decoder}. */
  void decode(PgBinaryDecoder decoder, int length, int row) throws SQLException {
    if (chunk.length - position >= length) {
      decoder.decode(chunk, position, length, row);
      position += length;
      return;
    }
    if (scratch.length < length) {
      scratch = new byte[Math.max(length, scratch.length * 2)];
    }
    readFully(scratch, 0, length);
    decoder.decode(scratch, 0, length, row);
  }

  /** Reads what follows the trailer until the driver says the COPY is complete. */
  void finish() throws SQLException {
    while (!ended) {
      position = chunk.length;
      next();
    }
  }

  /** Bytes received so far. */
  long bytes() {
    return bytes;
  }

  private byte readByte() throws SQLException {
    if (position == chunk.length) {
      requireNext();
    }
    return chunk[position++];
  }

  private void readFully(byte[] target, int offset, int length) throws SQLException {
    while (length > 0) {
      if (position == chunk.length) {
        requireNext();
      }
      int count = Math.min(length, chunk.length - position);
      System.arraycopy(chunk, position, target, offset, count);
      position += count;
      offset += count;
      length -= count;
    }
  }

  private void requireNext() throws SQLException {
    if (!next()) {
      throw new SQLException("the COPY stream ended inside a row");
    }
  }

  private boolean next() throws SQLException {
    if (ended) {
      return false;
    }
    byte[] next = copy.readFromCopy();
    if (next == null) {
      ended = true;
      chunk = new byte[0];
      position = 0;
      return false;
    }
    chunk = next;
    position = 0;
    bytes += next.length;
    return true;
  }
}
