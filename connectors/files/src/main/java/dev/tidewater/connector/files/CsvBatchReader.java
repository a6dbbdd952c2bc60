package dev.tidewater.connector.files;

import dev.tidewater.connector.text.ColumnWriter;
import dev.tidewater.connector.text.ColumnWriter.BadValueException;
import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.RecordRejections;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Reads one CSV file into Arrow batches: FastCSV hands each field's characters to a {@link
 * ColumnWriter} that parses them straight into the column's vector. The file's header is matched to
 * the source's schema by name; columns the file lacks are null.
 */
final class CsvBatchReader implements BatchReader {
  /** A batch also ends after this many characters of values, to bound memory with wide text. */
  private static final long MAX_BATCH_CHARS = 64L << 20;

  private final FileSplit split;
  private final int batchRows;
  private final VectorSchemaRoot root;
  private final List<FieldVector> vectors;
  private FileInput.Opened input;
  private CsvRecords records;
  private WriteHandler handler;
  private boolean finished;

  CsvBatchReader(
      FileSplit split,
      FilesOptions options,
      Schema sourceSchema,
      Schema projected,
      BufferAllocator allocator,
      int batchRows,
      RecordRejections rejections) {
    this.split = split;
    this.batchRows = batchRows;
    this.root = VectorSchemaRoot.create(projected, allocator);
    this.vectors = root.getFieldVectors();
    try {
      Map<String, ColumnWriter> writers = new HashMap<>();
      for (FieldVector vector : vectors) {
        String name = vector.getField().getName();
        writers.put(name, ColumnWriter.create(vector, name));
      }
      input = FileInput.open(split);
      handler = new WriteHandler(split.displayName(), options.nullValue(), batchRows);
      handler.vectors = vectors;
      handler.rejections = rejections;
      records = CsvSchemaInference.open(options, input.stream(), handler);
      if (options.header()) {
        handler.expectHeader();
        if (records.next()) {
          mapHeader(CsvSchemaInference.uniqueNames(handler.takeHeader()), sourceSchema, writers);
        } else {
          finished = true;
        }
      } else {
        List<Field> fields = sourceSchema.getFields();
        handler.writers = new ColumnWriter[fields.size()];
        for (int i = 0; i < fields.size(); i++) {
          handler.writers[i] = writers.get(fields.get(i).getName());
        }
      }
    } catch (RuntimeException e) {
      try {
        close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private void mapHeader(
      List<String> names, Schema sourceSchema, Map<String, ColumnWriter> writers) {
    Map<String, Field> fields =
        sourceSchema.getFields().stream()
            .collect(
                Collectors.toMap(Field::getName, field -> field, (a, b) -> a, LinkedHashMap::new));
    handler.writers = new ColumnWriter[names.size()];
    for (int i = 0; i < names.size(); i++) {
      String name = CsvSchemaInference.knownName(fields, names.get(i));
      if (!fields.containsKey(name)) {
        throw TidewaterException.user(
            "%s: column '%s' is not in the source's schema, which was inferred from the first"
                + " files (columns: %s); recreate the source to infer it again",
            split.displayName(), name, String.join(", ", fields.keySet()));
      }
      handler.writers[i] = writers.get(name);
    }
    handler.expected = names.size();
    handler.expectedSource = "header";
  }

  @Override
  public Schema schema() {
    return root.getSchema();
  }

  @Override
  public boolean next() {
    if (finished) {
      return false;
    }
    for (FieldVector vector : vectors) {
      vector.reset();
    }
    WriteHandler handler = this.handler;
    handler.row = 0;
    handler.chars = 0;
    while (handler.row < batchRows && handler.chars < MAX_BATCH_CHARS) {
      if (!records.next()) {
        finished = true;
        break;
      }
    }
    int rows = handler.row;
    root.setRowCount(rows);
    return rows > 0;
  }

  @Override
  public VectorSchemaRoot root() {
    return root;
  }

  @Override
  public String position(int rowIndex) {
    return split.displayName() + ":" + handler.lines[rowIndex];
  }

  @Override
  public long bytesRead() {
    return input == null ? 0 : input.counter().bytesRead();
  }

  @Override
  public void close() {
    try {
      if (records != null) {
        records.close();
        records = null;
      } else if (input != null) {
        try {
          input.stream().close();
        } catch (IOException e) {
          throw TidewaterException.user(
              "%s: cannot be closed: %s", split.location(), e.getMessage());
        }
      }
    } finally {
      root.close();
    }
  }

  /** Writes each field of a record into its column at the current row. */
  private static final class WriteHandler extends CsvRecordHandler {
    private final boolean emptyIsNull;
    ColumnWriter[] writers = new ColumnWriter[0];
    int expected = -1;
    String expectedSource = "first record";
    int row;
    long chars;
    long[] lines;
    List<FieldVector> vectors = List.of();
    RecordRejections rejections;
    private String rejectedReason;

    WriteHandler(String fileName, String nullValue, int batchRows) {
      super(fileName, nullValue);
      this.emptyIsNull = emptyIsNull();
      this.lines = new long[Math.min(batchRows, 1024)];
    }

    @Override
    boolean keepsRecordText() {
      return rejections != null;
    }

    @Override
    void field(int index, char[] text, int offset, int length) {
      if (rejectedReason != null) {
        return; // the record is rejected already
      }
      if (index >= writers.length) {
        return; // too many fields: reported at the end of the record
      }
      ColumnWriter writer = writers[index];
      if (writer == null) {
        return; // not projected
      }
      if (length == 0) {
        if (emptyIsNull || !writer.keepsEmpty()) {
          return;
        }
      } else if (isNullValue(text, offset, length)) {
        return;
      }
      chars += length;
      try {
        writer.writeText(row, text, offset, length);
      } catch (BadValueException e) {
        if (rejections == null) {
          throw TidewaterException.user("%s:%d: %s", fileName, startLine, e.getMessage());
        }
        rejectedReason = e.getMessage();
      }
    }

    @Override
    void endRecord() {
      if (rejectedReason == null && fieldCount != expected && expected >= 0 && rejections != null) {
        rejectedReason = fieldCountError(expected, expectedSource).getMessage();
      }
      if (rejectedReason != null) {
        // Skip the record: undo what it wrote at this row, which the next record reuses.
        for (FieldVector vector : vectors) {
          vector.setNull(row);
        }
        String reason = rejectedReason;
        rejectedReason = null;
        String prefix = fileName + ":" + startLine + ": ";
        rejections.reject(
            fileName + ":" + startLine,
            reason.startsWith(prefix) ? reason.substring(prefix.length()) : reason,
            recordText());
        return;
      }
      if (fieldCount != expected) {
        if (expected >= 0) {
          throw fieldCountError(expected, expectedSource);
        }
        if (fieldCount > writers.length) {
          throw TidewaterException.user(
              "%s:%d: found %d fields but the source's schema, inferred from the first files, has"
                  + " %d columns",
              fileName, startLine, fieldCount, writers.length);
        }
        expected = fieldCount;
      }
      if (row == lines.length) {
        lines = Arrays.copyOf(lines, lines.length * 2);
      }
      lines[row++] = startLine;
    }
  }
}
