package dev.tidewater.connector.http;

import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.ColumnPredicate;
import dev.tidewater.spi.Connector;
import dev.tidewater.spi.ExtractRequest;
import dev.tidewater.spi.RecordRejections;
import dev.tidewater.spi.SourceObject;
import dev.tidewater.spi.Split;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Reads an HTTP source through the SPI as a list of rows (column name to Arrow value). */
final class Reading {
  private Reading() {}

  static Connector connect(Map<String, String> options) {
    return new HttpConnectorFactory().create("api", options);
  }

  static List<Map<String, Object>> read(Map<String, String> options) {
    return read(options, List.of(), null, ExtractRequest.DEFAULT_BATCH_ROWS);
  }

  static List<Map<String, Object>> read(
      Map<String, String> options,
      List<ColumnPredicate> predicates,
      RecordRejections rejections,
      int batchRows) {
    List<Map<String, Object>> rows = new ArrayList<>();
    try (BufferAllocator allocator = new RootAllocator();
        Connector connector = connect(options)) {
      ExtractRequest request =
          new ExtractRequest(SourceObject.SELF, List.of(), predicates, batchRows)
              .withRejections(rejections);
      for (Split split : connector.plan(request)) {
        try (BatchReader reader = connector.open(split, request, allocator)) {
          while (reader.next()) {
            VectorSchemaRoot root = reader.root();
            for (int row = 0; row < root.getRowCount(); row++) {
              Map<String, Object> values = new LinkedHashMap<>();
              for (FieldVector vector : root.getFieldVectors()) {
                Object value = vector.getObject(row);
                values.put(vector.getName(), value == null ? null : normalize(value));
              }
              rows.add(values);
            }
          }
        }
      }
    }
    return rows;
  }

  /** Arrow's Text and JsonStringHashMap as plain strings and maps, for comparisons. */
  private static Object normalize(Object value) {
    if (value instanceof org.apache.arrow.vector.util.Text text) {
      return text.toString();
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((key, each) -> copy.put(key.toString(), each == null ? null : normalize(each)));
      return copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>();
      list.forEach(each -> copy.add(each == null ? null : normalize(each)));
      return copy;
    }
    return value;
  }
}
