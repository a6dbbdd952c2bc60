package dev.tidewater.planner.result;

import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.TidewaterException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Small results built in memory (SHOW, DESCRIBE, a LOAD's row): a schema and a few rows, served as
 * one Arrow batch.
 */
public final class Rows {
  private final Schema schema;
  private final List<Object[]> rows = new ArrayList<>();

  private Rows(Schema schema) {
    this.schema = schema;
  }

  public static Rows of(Schema schema) {
    return new Rows(schema);
  }

  public static Field varchar(String name) {
    return Field.nullable(name, ArrowType.Utf8.INSTANCE);
  }

  public static Field bigint(String name) {
    return Field.nullable(name, new ArrowType.Int(64, true));
  }

  public static Field integer(String name) {
    return Field.nullable(name, new ArrowType.Int(32, true));
  }

  public static Field doubleField(String name) {
    return Field.nullable(name, new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE));
  }

  public static Field bool(String name) {
    return Field.nullable(name, ArrowType.Bool.INSTANCE);
  }

  /**
   * A timestamp column holding UTC wall-clock time. Deliberately without a zone: the Flight SQL
   * JDBC driver (18.3) cannot read zoned timestamps with {@code getObject}.
   */
  public static Field timestamp(String name) {
    return new Field(
        name, FieldType.nullable(new ArrowType.Timestamp(TimeUnit.MICROSECOND, null)), null);
  }

  public Schema schema() {
    return schema;
  }

  public Rows add(Object... values) {
    if (values.length != schema.getFields().size()) {
      throw TidewaterException.internal(
          null, "row has %d values for %d columns", values.length, schema.getFields().size());
    }
    rows.add(values.clone());
    return this;
  }

  /** A reader that yields the rows as one batch (none when there are no rows). */
  public BatchReader reader(BufferAllocator allocator) {
    VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
    return new BatchReader() {
      private boolean done;

      @Override
      public Schema schema() {
        return schema;
      }

      @Override
      public boolean next() {
        if (done || rows.isEmpty()) {
          done = true;
          return false;
        }
        done = true;
        fill(root);
        return true;
      }

      @Override
      public VectorSchemaRoot root() {
        return root;
      }

      @Override
      public String position(int rowIndex) {
        return "row " + (rowIndex + 1);
      }

      @Override
      public long bytesRead() {
        return 0;
      }

      @Override
      public void close() {
        root.close();
      }
    };
  }

  private void fill(VectorSchemaRoot root) {
    root.allocateNew();
    for (int column = 0; column < schema.getFields().size(); column++) {
      FieldVector vector = root.getVector(column);
      for (int row = 0; row < rows.size(); row++) {
        Object value = rows.get(row)[column];
        if (value == null) {
          vector.setNull(row);
        } else {
          set(vector, row, value);
        }
      }
      vector.setValueCount(rows.size());
    }
    root.setRowCount(rows.size());
  }

  private static void set(FieldVector vector, int row, Object value) {
    if (vector instanceof VarCharVector varchar) {
      varchar.setSafe(row, value.toString().getBytes(StandardCharsets.UTF_8));
    } else if (vector instanceof BigIntVector bigint) {
      bigint.setSafe(row, ((Number) value).longValue());
    } else if (vector instanceof IntVector integer) {
      integer.setSafe(row, ((Number) value).intValue());
    } else if (vector instanceof Float8Vector float8) {
      float8.setSafe(row, ((Number) value).doubleValue());
    } else if (vector instanceof BitVector bit) {
      bit.setSafe(row, ((Boolean) value) ? 1 : 0);
    } else if (vector instanceof DecimalVector decimal) {
      decimal.setSafe(row, (BigDecimal) value);
    } else if (vector instanceof TimeStampMicroVector timestamp) {
      Instant instant = (Instant) value;
      timestamp.setSafe(row, instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000);
    } else {
      throw TidewaterException.internal(
          null, "no in-memory result support for %s", vector.getField().getType());
    }
  }
}
