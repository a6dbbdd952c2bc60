package dev.tidewater.connector.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tidewater.connector.text.FieldTypes;
import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.Connector;
import dev.tidewater.spi.ExtractRequest;
import dev.tidewater.spi.SourceObject;
import dev.tidewater.spi.Split;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.Text;

/** Reads a whole FILES source the way the planner does, into plain Java values. */
final class SourceReading {
  private static final FilesConnectorFactory FACTORY = new FilesConnectorFactory();

  final Schema schema;
  final List<Map<String, Object>> rows = new ArrayList<>();
  final List<Integer> batchSizes = new ArrayList<>();
  final List<String> positions = new ArrayList<>();
  final List<Rejection> rejections = new ArrayList<>();
  Schema readSchema;
  long bytesRead;

  /** A record the reader handed to the request's {@code RecordRejections}. */
  record Rejection(String position, String reason, String record) {}

  private SourceReading(Schema schema) {
    this.schema = schema;
  }

  static Connector connector(Map<String, String> options) {
    return FACTORY.create("landing", options);
  }

  static SourceReading read(Map<String, String> options) {
    return read(options, List.of(), ExtractRequest.DEFAULT_BATCH_ROWS);
  }

  /**
   * Discovers, plans and reads every split with a fresh allocator, which must hold no memory
   * afterwards (its close fails on a leak), also when reading fails.
   */
  static SourceReading read(Map<String, String> options, List<String> columns, int batchRows) {
    return read(
        options,
        new ExtractRequest(SourceObject.SELF, columns, List.of(), batchRows),
        RejectionsMode.FAIL);
  }

  /** Reads with rejected records collected in {@link #rejections} instead of failing. */
  static SourceReading readRejecting(Map<String, String> options) {
    return read(options, ExtractRequest.all(SourceObject.SELF), RejectionsMode.COLLECT);
  }

  /** Whether unreadable records fail the read or are collected. */
  enum RejectionsMode {
    FAIL,
    COLLECT
  }

  static SourceReading read(
      Map<String, String> options, ExtractRequest extract, RejectionsMode mode) {
    try (Connector connector = connector(options)) {
      return read(connector, extract, mode);
    }
  }

  static SourceReading read(Connector connector, ExtractRequest extract, RejectionsMode mode) {
    SourceReading reading = new SourceReading(connector.discover(SourceObject.SELF));
    ExtractRequest request =
        mode == RejectionsMode.COLLECT
            ? extract.withRejections(
                (position, reason, record) ->
                    reading.rejections.add(new Rejection(position, reason, record)))
            : extract;
    try (RootAllocator allocator = new RootAllocator()) {
      try {
        for (Split split : connector.plan(request)) {
          try (BatchReader reader = connector.open(split, request, allocator)) {
            reading.readSchema = reader.schema();
            assertThat(reader.root().getSchema()).isEqualTo(reader.schema());
            while (reader.next()) {
              VectorSchemaRoot root = reader.root();
              assertThat(root).isSameAs(reader.root());
              assertThat(root.getRowCount()).isPositive();
              reading.batchSizes.add(root.getRowCount());
              for (int row = 0; row < root.getRowCount(); row++) {
                Map<String, Object> values = new LinkedHashMap<>();
                for (FieldVector vector : root.getFieldVectors()) {
                  values.put(vector.getName(), plain(vector.getObject(row)));
                }
                reading.rows.add(values);
                reading.positions.add(reader.position(row));
              }
            }
            reading.bytesRead += reader.bytesRead();
          }
        }
      } finally {
        assertThat(allocator.getAllocatedMemory()).isZero();
      }
    }
    return reading;
  }

  /** Arrow's Text, JSON lists and maps turned into String, List and Map. */
  static Object plain(Object value) {
    if (value instanceof Text text) {
      return text.toString();
    }
    if (value instanceof List<?> list) {
      List<Object> result = new ArrayList<>();
      list.forEach(item -> result.add(plain(item)));
      return result;
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> result = new LinkedHashMap<>();
      map.forEach((key, item) -> result.put(key, plain(item)));
      return result;
    }
    return value;
  }

  /** Column name to SQL type name, in schema order. */
  Map<String, String> types() {
    Map<String, String> types = new LinkedHashMap<>();
    for (Field field : schema.getFields()) {
      assertThat(field.isNullable()).isTrue();
      types.put(field.getName(), FieldTypes.sqlName(field));
    }
    return types;
  }

  List<Object> column(String name) {
    List<Object> values = new ArrayList<>();
    rows.forEach(row -> values.add(row.get(name)));
    return values;
  }
}
