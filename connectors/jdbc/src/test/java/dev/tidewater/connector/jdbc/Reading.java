package dev.tidewater.connector.jdbc;

import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.Connector;
import dev.tidewater.spi.ExtractRequest;
import dev.tidewater.spi.Split;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Reads every split of a request into rows of Java values (Arrow's getObject), for assertions. */
final class Reading {
  private Reading() {}

  static List<List<Object>> rows(
      Connector connector, ExtractRequest request, BufferAllocator allocator) {
    List<List<Object>> rows = new ArrayList<>();
    for (Split split : connector.plan(request)) {
      rows.addAll(rows(connector, split, request, allocator));
    }
    return rows;
  }

  static List<List<Object>> rows(
      Connector connector, Split split, ExtractRequest request, BufferAllocator allocator) {
    List<List<Object>> rows = new ArrayList<>();
    try (BatchReader reader = connector.open(split, request, allocator)) {
      while (reader.next()) {
        VectorSchemaRoot root = reader.root();
        for (int row = 0; row < root.getRowCount(); row++) {
          List<Object> values = new ArrayList<>();
          for (var vector : root.getFieldVectors()) {
            Object value = vector.getObject(row);
            values.add(
                value == null
                    ? null
                    : value instanceof byte[] bytes
                        ? java.util.Arrays.toString(bytes)
                        : value.toString());
          }
          rows.add(values);
        }
      }
    }
    return rows;
  }
}
