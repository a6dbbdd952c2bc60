package dev.tidewater.connector.files;

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
        handler.expectedSource = "header";
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

  /** Observes the values of sampled records. */
  private static final class SampleHandler extends CsvRecordHandler {
    private final Map<String, TypeInference> union;
    private final IsoTemporal temporal = new IsoTemporal();
    TypeInference[] columns = new TypeInference[0];
    int expected = -1;
    String expectedSource = "first record";

    SampleHandler(String fileName, String nullValue, Map<String, TypeInference> union) {
      super(fileName, nullValue);
      this.union = union;
    }

    @Override
    void field(int index, char[] text, int offset, int length) {
      if (index >= columns.length) {
        if (expected >= 0) {
          return; // too many fields: reported at the end of the record
        }
        columns = Arrays.copyOf(columns, index + 1);
        columns[index] = union.computeIfAbsent(positionalName(index), name -> new TypeInference());
      }
      if (length == 0 || isNullValue(text, offset, length)) {
        return;
      }
      columns[index].observeText(text, offset, length, temporal);
    }

    @Override
    void endRecord() {
      if (expected < 0) {
        expected = fieldCount;
      } else if (fieldCount != expected) {
        throw fieldCountError(expected, expectedSource);
      }
    }
  }
}
