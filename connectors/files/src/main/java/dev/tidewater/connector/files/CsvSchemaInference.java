package dev.tidewater.connector.files;

import dev.tidewater.connector.text.IsoTemporal;
import dev.tidewater.connector.text.TypeInference;
import dev.tidewater.spi.TidewaterException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Infers the schema of CSV files from their first {@code sample_rows} records (over all files in
 * order): the columns are the union of the files' headers by name ({@code column_N} by position
 * without a header), their types follow {@link TypeInference}.
 */
final class CsvSchemaInference {
  private CsvSchemaInference() {}

  static Schema infer(FilesOptions options, List<FileSplit> files) {
    Map<String, TypeInference> columns = new LinkedHashMap<>();
    long remaining = options.sampleRows();
    for (FileSplit file : files) {
      if (remaining <= 0) {
        break;
      }
      remaining -= sample(options, file, columns, remaining);
    }
    List<Field> fields = new ArrayList<>(columns.size());
    columns.forEach((name, inference) -> fields.add(inference.toField(name)));
    return new Schema(fields);
  }

  private static long sample(
      FilesOptions options, FileSplit file, Map<String, TypeInference> columns, long limit) {
    FileInput.Opened opened = FileInput.open(file);
    SampleHandler handler = new SampleHandler(file.displayName(), options.nullValue(), columns);
    try (CsvRecords records = open(options, opened.stream(), handler)) {
      if (options.header()) {
        handler.expectHeader();
        if (!records.next()) {
          return 0;
        }
        List<String> names = uniqueNames(handler.takeHeader());
        handler.columns = new TypeInference[names.size()];
        for (int i = 0; i < names.size(); i++) {
          handler.columns[i] =
              columns.computeIfAbsent(
                  knownName(columns, names.get(i)), name -> new TypeInference());
        }
        handler.expected = names.size();
      }
      long rows = 0;
      while (rows < limit && records.next()) {
        rows++;
      }
      return rows;
    }
  }

  /** The spelling under which a column is already known, ignoring case; else the name itself. */
  static String knownName(Map<String, ?> columns, String name) {
    if (columns.containsKey(name)) {
      return name;
    }
    for (String known : columns.keySet()) {
      if (known.equalsIgnoreCase(name)) {
        return known;
      }
    }
    return name;
  }

  /** Opens the records of a file's stream, skipping a UTF-8 byte order mark. */
  static CsvRecords open(
      FilesOptions options, BufferedInputStream stream, CsvRecordHandler handler) {
    try {
      if (options.encoding().equals(StandardCharsets.UTF_8)) {
        FileInput.skipUtf8Bom(stream);
      }
    } catch (IOException e) {
      closeQuietly(stream, e);
      throw TidewaterException.user("%s: cannot be read: %s", handler.fileName, e.getMessage());
    }
    return CsvRecords.open(options, stream, handler);
  }

  private static void closeQuietly(BufferedInputStream stream, IOException failure) {
    try {
      stream.close();
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }

  /**
   * Column names from a header: trimmed, an empty name becomes {@code column_N} (N is the 1-based
   * position), a repeated name (ignoring case) gets {@code _2}, {@code _3}, ...
   */
  static List<String> uniqueNames(List<String> header) {
    List<String> names = new ArrayList<>(header.size());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < header.size(); i++) {
      String name = header.get(i).trim();
      if (name.isEmpty()) {
        name = positionalName(i);
      }
      String unique = name;
      for (int suffix = 2; !seen.add(unique.toLowerCase(Locale.ROOT)); suffix++) {
        unique = name + "_" + suffix;
      }
      names.add(unique);
    }
    return names;
  }

  /** The name of a column without a header: {@code column_1}, {@code column_2}, ... */
  static String positionalName(int index) {
    return "column_" + (index + 1);
  }

  /**
   * Observes the values of sampled records. A record with another number of fields than the header
   * (or the first record) is left out: reading it later fails, or rejects it, naming its line.
   */
  private static final class SampleHandler extends CsvRecordHandler {
    private final Map<String, TypeInference> union;
    private final IsoTemporal temporal = new IsoTemporal();
    TypeInference[] columns = new TypeInference[0];
    int expected = -1;
    private char[] text = new char[1024];
    private int[] starts = new int[16];
    private int[] lengths = new int[16];
    private int textLength;

    SampleHandler(String fileName, String nullValue, Map<String, TypeInference> union) {
      super(fileName, nullValue);
      this.union = union;
    }

    @Override
    void field(int index, char[] value, int offset, int length) {
      // kept until the record's end tells whether it has the right number of fields
      if (index == 0) {
        textLength = 0;
      }
      if (index == starts.length) {
        starts = Arrays.copyOf(starts, index * 2);
        lengths = Arrays.copyOf(lengths, index * 2);
      }
      if (textLength + length > text.length) {
        text = Arrays.copyOf(text, Math.max(textLength + length, text.length * 2));
      }
      System.arraycopy(value, offset, text, textLength, length);
      starts[index] = textLength;
      lengths[index] = length;
      textLength += length;
    }

    @Override
    void endRecord() {
      if (expected < 0) {
        expected = fieldCount;
      } else if (fieldCount != expected) {
        return;
      }
      if (fieldCount > columns.length) {
        int known = columns.length;
        columns = Arrays.copyOf(columns, fieldCount);
        for (int i = known; i < fieldCount; i++) {
          columns[i] = union.computeIfAbsent(positionalName(i), name -> new TypeInference());
        }
      }
      for (int i = 0; i < fieldCount; i++) {
        int length = lengths[i];
        if (length > 0 && !isNullValue(text, starts[i], length)) {
          columns[i].observeText(text, starts[i], length, temporal);
        }
      }
    }
  }
}
