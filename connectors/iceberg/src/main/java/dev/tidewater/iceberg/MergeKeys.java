package dev.tidewater.iceberg;

import dev.tidewater.spi.TidewaterException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.arrow.vector.FieldVector;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.transforms.Transform;
import org.apache.iceberg.transforms.Transforms;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.parquet.io.api.Binary;

/**
 * The MERGE key columns of a table, and the binary form of a key: one comparable byte string per
 * row, the same for a value read from an Arrow batch and for that value read back from a data file,
 * so that keys are hashed and compared without objects. Integral types (int, long, date, time,
 * timestamp, boolean) take 8 bytes; strings, binaries and decimals their bytes after a 4-byte
 * length.
 */
final class MergeKeys {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INTS =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private final String tableName;
  private final List<Types.NestedField> fields;
  private final Type[] types;

  private MergeKeys(String tableName, List<Types.NestedField> fields) {
    this.tableName = tableName;
    this.fields = List.copyOf(fields);
    this.types = fields.stream().map(Types.NestedField::type).toArray(Type[]::new);
  }

  /**
   * The key columns {@code names} of {@code schema} (case-insensitive); a user error for an unknown
   * column, a column named twice, or a type that cannot be a key (float, double, nested).
   */
  static MergeKeys of(String tableName, Schema schema, List<String> names) {
    TidewaterException.check(!names.isEmpty(), "MERGE ON needs at least one key column");
    List<Types.NestedField> fields = new ArrayList<>();
    for (String name : names) {
      Types.NestedField field = topLevelColumn(schema, name);
      TidewaterException.check(
          field != null,
          "MERGE ON (%s): table %s has no column '%s' (columns: %s)",
          String.join(", ", names),
          tableName,
          name,
          String.join(", ", schema.columns().stream().map(Types.NestedField::name).toList()));
      TidewaterException.check(
          fields.stream().noneMatch(known -> known.fieldId() == field.fieldId()),
          "MERGE ON (%s): column '%s' is named twice",
          String.join(", ", names),
          name);
      checkKeyType(tableName, field);
      fields.add(field);
    }
    return new MergeKeys(tableName, fields);
  }

  private static void checkKeyType(String tableName, Types.NestedField field) {
    boolean allowed =
        switch (field.type().typeId()) {
          case BOOLEAN, INTEGER, LONG, DATE, TIME, TIMESTAMP, TIMESTAMP_NANO -> true;
          case STRING, UUID, FIXED, BINARY, DECIMAL -> true;
          default -> false;
        };
    TidewaterException.check(
        allowed,
        "column '%s' of table %s has type %s, which cannot be a MERGE key (keys are primitive"
            + " columns other than float and double)",
        field.name(),
        tableName,
        field.type());
  }

  private static Types.NestedField topLevelColumn(Schema schema, String name) {
    Types.NestedField ignoringCase = null;
    for (Types.NestedField column : schema.columns()) {
      if (column.name().equals(name)) {
        return column;
      }
      if (ignoringCase == null && column.name().equalsIgnoreCase(name)) {
        ignoringCase = column;
      }
    }
    return ignoringCase;
  }

  List<Types.NestedField> fields() {
    return fields;
  }

  int size() {
    return fields.size();
  }

  List<String> names() {
    return fields.stream().map(Types.NestedField::name).toList();
  }

  /**
   * Encodes the key of row {@code row} of an Arrow batch ({@code vectors} in key order) into {@code
   * out}, and sets {@code values} to its column values (Iceberg's internal representation); returns
   * the index of the first null key column, or -1.
   */
  int encode(FieldVector[] vectors, int row, Buffer out, Object[] values) {
    out.reset();
    for (int i = 0; i < types.length; i++) {
      FieldVector vector = vectors[i];
      if (vector.isNull(row)) {
        return i;
      }
      Object value = ArrowValues.toInternal(vector, row, types[i], fields.get(i).name());
      values[i] = value;
      put(out, types[i], value);
    }
    return -1;
  }

  /**
   * Encodes the key held in the first {@link #size} fields of {@code row} (Iceberg's internal
   * values, as {@code InternalReader} returns them) into {@code out}; false when a key is null.
   */
  boolean encode(StructLike row, Buffer out) {
    out.reset();
    for (int i = 0; i < types.length; i++) {
      Object value = row.get(i, Object.class);
      if (value == null) {
        return false;
      }
      put(out, types[i], value);
    }
    return true;
  }

  /** The key's column values as Iceberg internal values, decoded from its binary form. */
  Object[] decode(byte[] bytes, int offset) {
    Object[] values = new Object[types.length];
    int at = offset;
    for (int i = 0; i < types.length; i++) {
      Type type = types[i];
      if (isIntegral(type)) {
        long value = (long) LONGS.get(bytes, at);
        at += 8;
        values[i] =
            switch (type.typeId()) {
              case BOOLEAN -> value != 0;
              case INTEGER, DATE -> (int) value;
              default -> value;
            };
      } else {
        int length = (int) INTS.get(bytes, at);
        byte[] value = Arrays.copyOfRange(bytes, at + 4, at + 4 + length);
        at += 4 + length;
        values[i] =
            switch (type.typeId()) {
              case STRING -> new String(value, StandardCharsets.UTF_8);
              case DECIMAL ->
                  new BigDecimal(new BigInteger(value), ((Types.DecimalType) type).scale());
              case UUID -> {
                ByteBuffer buffer = ByteBuffer.wrap(value);
                yield new UUID(buffer.getLong(), buffer.getLong());
              }
              default -> ByteBuffer.wrap(value);
            };
      }
    }
    return values;
  }

  /** The key for messages: {@code (id) = 42}, {@code (region, id) = ('eu', 42)}. */
  String describe(byte[] bytes, int offset) {
    Object[] values = decode(bytes, offset);
    List<String> shown = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      shown.add(human(types[i], values[i]));
    }
    String columns = String.join(", ", names());
    return values.length == 1
        ? "(" + columns + ") = " + shown.get(0)
        : "(" + columns + ") = (" + String.join(", ", shown) + ")";
  }

  @SuppressWarnings("unchecked")
  private static String human(Type type, Object value) {
    String text = ((Transform<Object, Object>) Transforms.identity()).toHumanString(type, value);
    return switch (type.typeId()) {
      case STRING, DATE, TIME, TIMESTAMP, TIMESTAMP_NANO, UUID ->
          "'" + text.replace("'", "''") + "'";
      default -> text;
    };
  }

  private static boolean isIntegral(Type type) {
    return switch (type.typeId()) {
      case BOOLEAN, INTEGER, LONG, DATE, TIME, TIMESTAMP, TIMESTAMP_NANO -> true;
      default -> false;
    };
  }

  private void put(Buffer out, Type type, Object value) {
    switch (type.typeId()) {
      case BOOLEAN -> out.putLong((Boolean) value ? 1 : 0);
      case INTEGER, LONG, DATE, TIME, TIMESTAMP, TIMESTAMP_NANO ->
          out.putLong(((Number) value).longValue());
      case STRING -> out.putBytes(value.toString().getBytes(StandardCharsets.UTF_8));
      case DECIMAL -> {
        BigDecimal decimal = (BigDecimal) value;
        int scale = ((Types.DecimalType) type).scale();
        out.putBytes(decimal.setScale(scale).unscaledValue().toByteArray());
      }
      case UUID -> {
        if (value instanceof UUID uuid) {
          byte[] bytes = new byte[16];
          ByteBuffer.wrap(bytes)
              .putLong(uuid.getMostSignificantBits())
              .putLong(uuid.getLeastSignificantBits());
          out.putBytes(bytes);
        } else {
          out.putBytes(bytesOf(value, type));
        }
      }
      case FIXED, BINARY -> out.putBytes(bytesOf(value, type));
      default ->
          throw TidewaterException.internal(
              null, "MERGE key of type %s in table %s", type, tableName);
    }
  }

  private byte[] bytesOf(Object value, Type type) {
    if (value instanceof byte[] bytes) {
      return bytes;
    }
    if (value instanceof ByteBuffer buffer) {
      byte[] bytes = new byte[buffer.remaining()];
      buffer.duplicate().get(bytes);
      return bytes;
    }
    throw TidewaterException.internal(
        null,
        "MERGE key of type %s in table %s holds a %s",
        type,
        tableName,
        value.getClass().getSimpleName().toLowerCase(Locale.ROOT));
  }

  /** A 64-bit hash of {@code length} bytes at {@code offset} (MurmurHash3's mixing steps). */
  static long hash(byte[] bytes, int offset, int length) {
    long hash = 0x9E3779B97F4A7C15L ^ length;
    int at = offset;
    int end = offset + length;
    for (; at + 8 <= end; at += 8) {
      hash ^= mix((long) LONGS.get(bytes, at));
      hash = Long.rotateLeft(hash, 27) * 5 + 0x52DCE729;
    }
    long tail = 0;
    for (int shift = 0; at < end; at++, shift += 8) {
      tail |= (bytes[at] & 0xFFL) << shift;
    }
    hash ^= mix(tail);
    hash ^= hash >>> 33;
    hash *= 0xFF51AFD7ED558CCDL;
    hash ^= hash >>> 33;
    hash *= 0xC4CEB9FE1A85EC53L;
    hash ^= hash >>> 33;
    return hash;
  }

  private static long mix(long value) {
    return Long.rotateLeft(value * 0x87C37B91114253D5L, 31) * 0x4CF5AD432745937FL;
  }

  /** A reusable, growing buffer of one encoded key. */
  static final class Buffer {
    private byte[] bytes = new byte[64];
    private int length;

    void reset() {
      length = 0;
    }

    byte[] bytes() {
      return bytes;
    }

    int length() {
      return length;
    }

    long hash() {
      return MergeKeys.hash(bytes, 0, length);
    }

    void putLong(long value) {
      ensure(8);
      LONGS.set(bytes, length, value);
      length += 8;
    }

    void putBytes(byte[] value) {
      ensure(4 + value.length);
      INTS.set(bytes, length, value.length);
      System.arraycopy(value, 0, bytes, length + 4, value.length);
      length += 4 + value.length;
    }

    void putBytes(Binary value) {
      ByteBuffer view = value.toByteBuffer();
      int count = view.remaining();
      ensure(4 + count);
      INTS.set(bytes, length, count);
      view.get(bytes, length + 4, count);
      length += 4 + count;
    }

    /** Replaces the content with {@code count} bytes of {@code source} from {@code offset}. */
    void set(byte[] source, int offset, int count) {
      length = 0;
      ensure(count);
      System.arraycopy(source, offset, bytes, 0, count);
      length = count;
    }

    private void ensure(int more) {
      if (length + more > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
      }
    }
  }
}
