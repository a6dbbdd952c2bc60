package dev.tidewater.bench;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Writes the benchmark's 13 columns as an Arrow IPC stream file: the same rows as {@link
 * CsvGenerator} (the same seed and the same draws in the same order), typed — BIGINT ids, an INT,
 * two DOUBLEs, two DECIMAL(10, 2), two TIMESTAMPs (microseconds, no zone) and four strings — in
 * batches of {@value #BATCH_ROWS} rows.
 */
public final class ArrowGenerator {
  static final int BATCH_ROWS = 65_536;
  static final Schema SCHEMA =
      new Schema(
          List.of(
              Field.nullable("id", new ArrowType.Int(64, true)),
              Field.nullable("customer_id", new ArrowType.Int(64, true)),
              Field.nullable("quantity", new ArrowType.Int(32, true)),
              Field.nullable("price", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
              Field.nullable(
                  "discount", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
              Field.nullable("amount", new ArrowType.Decimal(10, 2, 128)),
              Field.nullable("tax", new ArrowType.Decimal(10, 2, 128)),
              Field.nullable("created_at", new ArrowType.Timestamp(TimeUnit.MICROSECOND, null)),
              Field.nullable("updated_at", new ArrowType.Timestamp(TimeUnit.MICROSECOND, null)),
              Field.nullable("status", ArrowType.Utf8.INSTANCE),
              Field.nullable("country", ArrowType.Utf8.INSTANCE),
              Field.nullable("channel", ArrowType.Utf8.INSTANCE),
              Field.nullable("note", ArrowType.Utf8.INSTANCE)));

  private static final byte[][] STATUSES = utf8("new", "paid", "shipped", "void", "returned");
  private static final byte[][] COUNTRIES = utf8("DE", "FR", "US", "JP", "BR", "IN", "NL", "SE");
  private static final byte[][] CHANNELS = utf8("web", "app", "store", "partner");

  private ArrowGenerator() {}

  /** Writes {@code rows} rows to {@code file} unless it already holds them. */
  public static void generate(Path file, long rows) throws IOException {
    Path marker = file.resolveSibling(file.getFileName() + "." + rows + ".done");
    if (Files.exists(file) && Files.exists(marker)) {
      return;
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    SplittableRandom random = new SplittableRandom(20261124L);
    LocalDateTime base = LocalDateTime.of(2024, 1, 1, 0, 0);
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator);
        FileChannel channel =
            FileChannel.open(
                file,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        ArrowStreamWriter writer = new ArrowStreamWriter(root, null, channel)) {
      BigIntVector id = (BigIntVector) root.getVector(0);
      BigIntVector customer = (BigIntVector) root.getVector(1);
      IntVector quantityVector = (IntVector) root.getVector(2);
      Float8Vector price = (Float8Vector) root.getVector(3);
      Float8Vector discountVector = (Float8Vector) root.getVector(4);
      DecimalVector amount = (DecimalVector) root.getVector(5);
      DecimalVector tax = (DecimalVector) root.getVector(6);
      TimeStampMicroVector createdAt = (TimeStampMicroVector) root.getVector(7);
      TimeStampMicroVector updatedAt = (TimeStampMicroVector) root.getVector(8);
      VarCharVector status = (VarCharVector) root.getVector(9);
      VarCharVector country = (VarCharVector) root.getVector(10);
      VarCharVector channelVector = (VarCharVector) root.getVector(11);
      VarCharVector note = (VarCharVector) root.getVector(12);
      writer.start();
      long next = 1;
      while (next <= rows) {
        int count = (int) Math.min(BATCH_ROWS, rows - next + 1);
        root.allocateNew();
        for (int row = 0; row < count; row++, next++) {
          // The draws of CsvGenerator, in its order.
          int quantity = random.nextInt(1, 50);
          long priceCents = random.nextLong(100, 1_000_000);
          double discount = Math.round(random.nextDouble() * 3000) / 10000.0;
          long amountCents = Math.round(priceCents * quantity * (1 - discount)) % 100_000_000L;
          LocalDateTime created = base.plusSeconds(random.nextLong(0, 60L * 60 * 24 * 365));
          LocalDateTime updated = created.plusSeconds(random.nextLong(0, 60L * 60 * 24 * 30));
          id.setSafe(row, next);
          customer.setSafe(row, random.nextLong(1, 2_000_000));
          quantityVector.setSafe(row, quantity);
          price.setSafe(row, random.nextDouble() * 1000);
          discountVector.setSafe(row, discount);
          amount.setSafe(row, BigDecimal.valueOf(amountCents, 2));
          tax.setSafe(row, BigDecimal.valueOf(amountCents / 5, 2));
          createdAt.setSafe(row, created.toEpochSecond(ZoneOffset.UTC) * 1_000_000L);
          updatedAt.setSafe(row, updated.toEpochSecond(ZoneOffset.UTC) * 1_000_000L);
          status.setSafe(row, STATUSES[random.nextInt(STATUSES.length)]);
          country.setSafe(row, COUNTRIES[random.nextInt(COUNTRIES.length)]);
          channelVector.setSafe(row, CHANNELS[random.nextInt(CHANNELS.length)]);
          note.setSafe(
              row,
              ("note-" + Long.toString(random.nextLong(0, 1L << 40), 36))
                  .getBytes(StandardCharsets.UTF_8));
        }
        root.setRowCount(count);
        writer.writeBatch();
      }
      writer.end();
    }
    Files.writeString(marker, "ok\n");
  }

  private static byte[][] utf8(String... values) {
    byte[][] bytes = new byte[values.length][];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = values[i].getBytes(StandardCharsets.UTF_8);
    }
    return bytes;
  }
}
