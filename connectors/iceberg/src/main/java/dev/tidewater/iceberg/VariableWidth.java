package dev.tidewater.iceberg;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseVariableWidthVector;

/** Writes to the offset and data buffers of a variable-width vector directly. */
final class VariableWidth {
  private VariableWidth() {}

  /** The data buffer, grown until it holds {@code bytes} bytes. */
  static ArrowBuf reserve(BaseVariableWidthVector vector, long bytes) {
    while (vector.getDataBuffer().capacity() < bytes) {
      vector.reallocDataBuffer();
    }
    return vector.getDataBuffer();
  }

  /** Rows {@code out..out+count) are empty (nulls): their end offsets repeat the start's. */
  static void empty(BaseVariableWidthVector vector, int out, int count) {
    ArrowBuf offsets = vector.getOffsetBuffer();
    int start = offsets.getInt((long) out * 4);
    for (int i = 1; i <= count; i++) {
      offsets.setInt((long) (out + i) * 4, start);
    }
  }
}
