package dev.tidewater.iceberg;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.TimeStampNanoTZVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A batch schema with every primitive type Tidewater writes, a struct and a list, and rows for it.
 */
final class AllTypes {
  static final Schema SCHEMA =
      new Schema(
          List.of(
              field("id", new ArrowType.Int(64, true)),
              field("small", new ArrowType.Int(16, true)),
              field("count", new ArrowType.Int(32, true)),
              field("flag", ArrowType.Bool.INSTANCE),
              field("ratio", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
              field("score", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
              field("amount", new ArrowType.Decimal(10, 2, 128)),
              field("tiny_amount", new ArrowType.Decimal(5, 1, 128)),
              field("big_amount", new ArrowType.Decimal(25, 4, 128)),
              field("name", ArrowType.Utf8.INSTANCE),
              field("note", ArrowType.LargeUtf8.INSTANCE),
              field("payload", ArrowType.Binary.INSTANCE),
              field("day", new ArrowType.Date(DateUnit.DAY)),
              field("ts", new ArrowType.Timestamp(TimeUnit.MICROSECOND, null)),
              field("ts_millis", new ArrowType.Timestamp(TimeUnit.MILLISECOND, null)),
              field("tstz", new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC")),
              field("tstz_nanos", new ArrowType.Timestamp(TimeUnit.NANOSECOND, "Europe/Berlin")),
              new Field(
                  "address",
                  FieldType.nullable(ArrowType.Struct.INSTANCE),
                  List.of(
                      field("city", ArrowType.Utf8.INSTANCE),
                      field("zip", new ArrowType.Int(32, true)))),
              new Field(
                  "tags",
                  FieldType.nullable(ArrowType.List.INSTANCE),
                  List.of(field("item", ArrowType.Utf8.INSTANCE)))));

  /** One row; null fields are written as nulls. */
  record Row(
      long id,
      Short small,
      Integer count,
      Boolean flag,
      Float ratio,
      Double score,
      BigDecimal amount,
      BigDecimal tinyAmount,
      BigDecimal bigAmount,
      String name,
      String note,
      byte[] payload,
      LocalDate day,
      Long tsMicros,
      Long tsMillis,
      Long tstzMicros,
      Long tstzNanos,
      String city,
      Integer zip,
      List<String> tags) {

    static Row nulls(long id) {
      return new Row(
          id, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
          null, null, null, null, null);
    }
  }

  private AllTypes() {}

  static Field field(String name, ArrowType type) {
    return new Field(name, FieldType.nullable(type), null);
  }

  static VectorSchemaRoot batch(BufferAllocator allocator, List<Row> rows) {
    VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator);
    root.allocateNew();
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      ((BigIntVector) root.getVector("id")).setSafe(i, row.id());
      if (row.small() != null) {
        ((SmallIntVector) root.getVector("small")).setSafe(i, row.small());
      }
      if (row.count() != null) {
        ((IntVector) root.getVector("count")).setSafe(i, row.count());
      }
      if (row.flag() != null) {
        ((BitVector) root.getVector("flag")).setSafe(i, row.flag() ? 1 : 0);
      }
      if (row.ratio() != null) {
        ((Float4Vector) root.getVector("ratio")).setSafe(i, row.ratio());
      }
      if (row.score() != null) {
        ((Float8Vector) root.getVector("score")).setSafe(i, row.score());
      }
      if (row.amount() != null) {
        ((DecimalVector) root.getVector("amount")).setSafe(i, row.amount());
      }
      if (row.tinyAmount() != null) {
        ((DecimalVector) root.getVector("tiny_amount")).setSafe(i, row.tinyAmount());
      }
      if (row.bigAmount() != null) {
        ((DecimalVector) root.getVector("big_amount")).setSafe(i, row.bigAmount());
      }
      if (row.name() != null) {
        ((VarCharVector) root.getVector("name"))
            .setSafe(i, row.name().getBytes(StandardCharsets.UTF_8));
      }
      if (row.note() != null) {
        ((LargeVarCharVector) root.getVector("note"))
            .setSafe(i, row.note().getBytes(StandardCharsets.UTF_8));
      }
      if (row.payload() != null) {
        ((VarBinaryVector) root.getVector("payload")).setSafe(i, row.payload());
      }
      if (row.day() != null) {
        ((DateDayVector) root.getVector("day")).setSafe(i, (int) row.day().toEpochDay());
      }
      if (row.tsMicros() != null) {
        ((TimeStampMicroVector) root.getVector("ts")).setSafe(i, row.tsMicros());
      }
      if (row.tsMillis() != null) {
        ((TimeStampMilliVector) root.getVector("ts_millis")).setSafe(i, row.tsMillis());
      }
      if (row.tstzMicros() != null) {
        ((TimeStampMicroTZVector) root.getVector("tstz")).setSafe(i, row.tstzMicros());
      }
      if (row.tstzNanos() != null) {
        ((TimeStampNanoTZVector) root.getVector("tstz_nanos")).setSafe(i, row.tstzNanos());
      }
      StructVector address = (StructVector) root.getVector("address");
      if (row.city() != null || row.zip() != null) {
        address.setIndexDefined(i);
        if (row.city() != null) {
          address
              .getChild("city", VarCharVector.class)
              .setSafe(i, row.city().getBytes(StandardCharsets.UTF_8));
        }
        if (row.zip() != null) {
          address.getChild("zip", IntVector.class).setSafe(i, row.zip());
        }
      } else {
        address.setNull(i);
      }
      ListVector tags = (ListVector) root.getVector("tags");
      if (row.tags() != null) {
        int start = tags.startNewValue(i);
        VarCharVector items = (VarCharVector) tags.getDataVector();
        for (int t = 0; t < row.tags().size(); t++) {
          String tag = row.tags().get(t);
          if (tag == null) {
            items.setNull(start + t);
          } else {
            items.setSafe(start + t, tag.getBytes(StandardCharsets.UTF_8));
          }
        }
        tags.endValue(i, row.tags().size());
      } else {
        tags.setNull(i);
      }
    }
    root.setRowCount(rows.size());
    return root;
  }
}
