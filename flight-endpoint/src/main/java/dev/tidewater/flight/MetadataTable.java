package dev.tidewater.flight;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The rows of a metadata answer (catalogs, tables, type info...), as Java values in the column
 * order of a Flight SQL schema: String, Integer, Boolean, byte[], a List of Strings, or null.
 */
final class MetadataTable {
  private final Schema schema;
  private final List<Object[]> rows = new ArrayList<>();

  MetadataTable(Schema schema) {
    this.schema = requireNonNull(schema, "schema is null");
  }

  MetadataTable add(Object... values) {
    if (values.length != schema.getFields().size()) {
      throw new IllegalArgumentException(
          "expected " + schema.getFields().size() + " values, got " + Arrays.toString(values));
    }
    rows.add(values);
    return this;
  }

  int rowCount() {
    return rows.size();
  }

  /** Sends the rows as one batch, or no batch when there are none. */
  void send(ServerStreamListener listener, BufferAllocator allocator) {
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
      root.allocateNew();
      for (int column = 0; column < root.getFieldVectors().size(); column++) {
        FieldVector vector = root.getVector(column);
        for (int row = 0; row < rows.size(); row++) {
          set(vector, row, rows.get(row)[column]);
        }
        vector.setValueCount(rows.size());
      }
      root.setRowCount(rows.size());
      listener.start(root);
      if (!rows.isEmpty()) {
        listener.putNext();
      }
      listener.completed();
    }
  }

  private static void set(FieldVector vector, int row, Object value) {
    if (value == null) {
      vector.setNull(row);
    } else if (vector instanceof VarCharVector varchar) {
      varchar.setSafe(row, ((String) value).getBytes(StandardCharsets.UTF_8));
    } else if (vector instanceof IntVector integer) {
      integer.setSafe(row, (Integer) value);
    } else if (vector instanceof BitVector bit) {
      bit.setSafe(row, (Boolean) value ? 1 : 0);
    } else if (vector instanceof VarBinaryVector binary) {
      binary.setSafe(row, (byte[]) value);
    } else if (vector instanceof UInt1Vector tiny) {
      tiny.setSafe(row, (Integer) value);
    } else if (vector instanceof ListVector list
        && list.getDataVector() instanceof VarCharVector items) {
      List<?> strings = (List<?>) value;
      int offset = list.startNewValue(row);
      for (int i = 0; i < strings.size(); i++) {
        items.setSafe(offset + i, ((String) strings.get(i)).getBytes(StandardCharsets.UTF_8));
      }
      list.endValue(row, strings.size());
    } else {
      throw new IllegalArgumentException(
          "no metadata writer for " + vector.getField() + " and " + value.getClass());
    }
  }
}
