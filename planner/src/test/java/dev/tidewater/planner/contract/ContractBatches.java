package dev.tidewater.planner.contract;

import dev.tidewater.parser.TidewaterSqlParser;
import dev.tidewater.parser.ast.SqlCreateContract;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.sql.parser.SqlParseException;

/** Contracts from SQL, and small Arrow batches from Java values, for the contract tests. */
final class ContractBatches {
  private ContractBatches() {}

  static SqlCreateContract parse(String sql) {
    try {
      return (SqlCreateContract) TidewaterSqlParser.parseStatement(sql);
    } catch (SqlParseException e) {
      throw new AssertionError(e);
    }
  }

  static ContractDefinition contract(String sql) {
    return ContractDefinition.fromSql(parse(sql), 1);
  }

  static Field bigint(String name) {
    return Field.nullable(name, new ArrowType.Int(64, true));
  }

  static Field integer(String name) {
    return Field.nullable(name, new ArrowType.Int(32, true));
  }

  static Field float8(String name) {
    return Field.nullable(name, new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE));
  }

  static Field decimal(String name, int precision, int scale) {
    return Field.nullable(name, new ArrowType.Decimal(precision, scale, 128));
  }

  static Field varchar(String name) {
    return Field.nullable(name, ArrowType.Utf8.INSTANCE);
  }

  static Field bool(String name) {
    return Field.nullable(name, ArrowType.Bool.INSTANCE);
  }

  static Field date(String name) {
    return Field.nullable(name, new ArrowType.Date(DateUnit.DAY));
  }

  static Field timestampTz(String name) {
    return Field.nullable(name, new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"));
  }

  static Schema schema(Field... fields) {
    return new Schema(List.of(fields));
  }

  /** A batch whose row {@code i} holds {@code rows[i]}, one value (or null) per field. */
  static VectorSchemaRoot batch(BufferAllocator allocator, Schema schema, Object[]... rows) {
    VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
    root.allocateNew();
    for (int column = 0; column < schema.getFields().size(); column++) {
      FieldVector vector = root.getVector(column);
      for (int row = 0; row < rows.length; row++) {
        set(vector, row, rows[row][column]);
      }
      vector.setValueCount(rows.length);
    }
    root.setRowCount(rows.length);
    return root;
  }

  static Object[] row(Object... values) {
    return values;
  }

  private static void set(FieldVector vector, int row, Object value) {
    if (value == null) {
      vector.setNull(row);
    } else if (vector instanceof BaseIntVector v) {
      v.setWithPossibleTruncate(row, ((Number) value).longValue());
    } else if (vector instanceof Float8Vector v) {
      v.setSafe(row, ((Number) value).doubleValue());
    } else if (vector instanceof Float4Vector v) {
      v.setSafe(row, ((Number) value).floatValue());
    } else if (vector instanceof DecimalVector v) {
      v.setSafe(row, new BigDecimal(value.toString()).setScale(v.getScale()));
    } else if (vector instanceof VarCharVector v) {
      v.setSafe(row, value.toString().getBytes(StandardCharsets.UTF_8));
    } else if (vector instanceof BitVector v) {
      v.setSafe(row, (Boolean) value ? 1 : 0);
    } else if (vector instanceof DateDayVector v) {
      v.setSafe(row, (int) ((LocalDate) value).toEpochDay());
    } else if (vector instanceof TimeStampVector v) {
      Instant instant =
          value instanceof Instant i ? i : ((LocalDateTime) value).toInstant(ZoneOffset.UTC);
      v.setSafe(row, instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000);
    } else {
      throw new IllegalArgumentException("no setter for " + vector.getField());
    }
  }

  /** A column's values as Java objects (see {@link ValueCast#read}), null for null. */
  static List<Object> values(VectorSchemaRoot root, String column) {
    FieldVector vector = root.getVector(column);
    List<Object> values = new ArrayList<>();
    for (int row = 0; row < root.getRowCount(); row++) {
      values.add(vector.isNull(row) ? null : ValueCast.read(vector, row));
    }
    return values;
  }

  /** Positions like a file reader's: {@code batch.csv:<row + 2>} (after a header line). */
  static String position(int row) {
    return "batch.csv:" + (row + 2);
  }

  static List<Object> list(Object... values) {
    return Arrays.asList(values);
  }
}
