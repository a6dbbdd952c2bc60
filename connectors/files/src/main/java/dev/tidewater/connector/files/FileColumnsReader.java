package dev.tidewater.connector.files;

import dev.tidewater.spi.BatchReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Adds the hidden file columns, {@code _file_name} (the file's full location) and {@code
 * _file_modified} (when it was last modified), to the batches of a format reader: the same value on
 * every row of the file.
 */
final class FileColumnsReader implements BatchReader {
  static final String FILE_NAME = "_file_name";
  static final String FILE_MODIFIED = "_file_modified";

  /** The hidden columns of every FILES source. */
  static final List<Field> FIELDS =
      List.of(
          new Field(FILE_NAME, FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
          new Field(
              FILE_MODIFIED,
              FieldType.nullable(new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC")),
              null));

  private final BatchReader inner;
  private final FileSplit file;
  private final List<FieldVector> hidden = new ArrayList<>();
  private final VectorSchemaRoot root;

  /**
   * @param columns the requested columns in order: names of {@code inner}'s schema or of {@link
   *     #FIELDS}; inner columns not named are read but not handed on
   */
  FileColumnsReader(
      BatchReader inner, FileSplit file, List<String> columns, BufferAllocator allocator) {
    this.inner = inner;
    this.file = file;
    List<FieldVector> vectors = new ArrayList<>(columns.size());
    try {
      for (String column : columns) {
        Field field = hiddenField(column);
        if (field == null) {
          vectors.add(inner.root().getVector(column));
        } else {
          FieldVector vector = field.createVector(allocator);
          hidden.add(vector);
          vectors.add(vector);
        }
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    this.root = new VectorSchemaRoot(vectors);
  }

  /** The hidden field named {@code name} (ignoring case), or null. */
  static Field hiddenField(String name) {
    for (Field field : FIELDS) {
      if (field.getName().equals(name.toLowerCase(Locale.ROOT))) {
        return field;
      }
    }
    return null;
  }

  /** The value of a hidden column for {@code file}: a String or microseconds since the epoch. */
  static Object value(String column, FileSplit file) {
    return column.equalsIgnoreCase(FILE_NAME) ? file.location() : file.modifiedMillis() * 1000;
  }

  @Override
  public Schema schema() {
    return root.getSchema();
  }

  @Override
  public boolean next() {
    if (!inner.next()) {
      return false;
    }
    int rows = inner.root().getRowCount();
    byte[] name = file.location().getBytes(StandardCharsets.UTF_8);
    long modified = file.modifiedMillis() * 1000;
    for (FieldVector vector : hidden) {
      vector.reset();
      if (vector instanceof VarCharVector text) {
        for (int row = 0; row < rows; row++) {
          text.setSafe(row, name);
        }
      } else {
        TimeStampMicroTZVector timestamps = (TimeStampMicroTZVector) vector;
        for (int row = 0; row < rows; row++) {
          timestamps.setSafe(row, modified);
        }
      }
      vector.setValueCount(rows);
    }
    root.setRowCount(rows);
    return true;
  }

  @Override
  public VectorSchemaRoot root() {
    return root;
  }

  @Override
  public String position(int rowIndex) {
    return inner.position(rowIndex);
  }

  @Override
  public long bytesRead() {
    return inner.bytesRead();
  }

  @Override
  public void close() {
    try {
      inner.close();
    } finally {
      hidden.forEach(FieldVector::close);
    }
  }
}
