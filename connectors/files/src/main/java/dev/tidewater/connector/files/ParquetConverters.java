package dev.tidewater.connector.files;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.IntLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Parquet's record assembly writing each value straight into its Arrow vector: no row objects.
 * Every converter writes at the index its parent points at (the row, or the next element of a
 * list); a value the file does not hold stays null. Values widen to the (unified) target type.
 */
final class ParquetConverters extends RecordMaterializer<Integer> {
  private final Root root;

  /**
   * Converters for the columns of {@code requested} (a projection of the file's schema) into the
   * vectors of {@code target} of the same names.
   */
  ParquetConverters(MessageType requested, VectorSchemaRoot target) {
    this.root = new Root(requested, target);
  }

  /** Starts a batch: rows are written from index 0 again. */
  void startBatch() {
    root.row = 0;
    for (ListState list : root.lists) {
      list.current = -1;
    }
  }

  /** Rows written since {@link #startBatch}. */
  int rows() {
    return root.row;
  }

  /** Points every top-level converter at {@code row}, for reading column by column. */
  void row(int row) {
    root.row = row;
  }

  @Override
  public Integer getCurrentRecord() {
    return root.row;
  }

  @Override
  public GroupConverter getRootConverter() {
    return root;
  }

  private static final class Root extends GroupConverter {
    private final Converter[] fields;
    private final List<ListState> lists = new ArrayList<>();
    private int row;

    Root(MessageType requested, VectorSchemaRoot target) {
      fields = new Converter[requested.getFieldCount()];
      IntSupplier slot = () -> row;
      for (int i = 0; i < fields.length; i++) {
        Type type = requested.getType(i);
        fields[i] = converter(type, target.getVector(type.getName()), slot, lists);
      }
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return fields[fieldIndex];
    }

    @Override
    public void start() {}

    @Override
    public void end() {
      row++;
    }
  }

  /** The converter of a field of {@code type} writing into {@code vector} at {@code slot}. */
  static Converter converter(
      Type type, FieldVector vector, IntSupplier slot, List<ListState> lists) {
    if (type.isRepetition(Type.Repetition.REPEATED)) {
      ListVector list = (ListVector) vector;
      ListState state = new ListState(list, slot, true);
      lists.add(state);
      Type element = ParquetSchemas.requiredCopy(type);
      return counting(element, list.getDataVector(), state, lists);
    }
    if (type.isPrimitive()) {
      return new Primitive(type.asPrimitiveType(), vector, slot);
    }
    GroupType group = type.asGroupType();
    LogicalTypeAnnotation annotation = group.getLogicalTypeAnnotation();
    if (annotation instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation
        || annotation instanceof LogicalTypeAnnotation.MapLogicalTypeAnnotation
        || annotation instanceof LogicalTypeAnnotation.MapKeyValueTypeAnnotation) {
      return new ListGroup(group, (ListVector) vector, slot, lists);
    }
    return new Struct(group, (StructVector) vector, slot, lists);
  }

  /**
   * The converter of one element of a list: it writes at the list's next index and counts the
   * element when it ends.
   */
  private static Converter counting(
      Type element, FieldVector data, ListState state, List<ListState> lists) {
    IntSupplier slot = state::nextIndex;
    if (element.isPrimitive()) {
      Primitive value = new Primitive(element.asPrimitiveType(), data, slot);
      return new CountingPrimitive(value, state);
    }
    Converter converter = converter(element, data, slot, lists);
    return new CountingGroup(converter.asGroupConverter(), state);
  }

  /** The elements of the list at its parent's index, as they are added. */
  static final class ListState {
    private final ListVector vector;
    private final IntSupplier slot;
    private final boolean bare;
    private int current = -1;
    private int start;
    private int count;

    ListState(ListVector vector, IntSupplier slot, boolean bare) {
      this.vector = vector;
      this.slot = slot;
      this.bare = bare;
    }

    /** Starts the list at the parent's index (an empty list until elements come). */
    void begin() {
      current = slot.getAsInt();
      start = vector.startNewValue(current);
      count = 0;
    }

    int nextIndex() {
      if (bare && current != slot.getAsInt()) {
        begin(); // a repeated field outside a LIST group has no group of its own to start it
      }
      return start + count;
    }

    void added() {
      count++;
      vector.endValue(current, 1); // Arrow adds the size to the list's end offset
    }
  }

  /** A LIST or MAP group: its one repeated child holds the elements (or key-value entries). */
  private static final class ListGroup extends GroupConverter {
    private final ListState state;
    private final Converter repeated;

    ListGroup(GroupType group, ListVector vector, IntSupplier slot, List<ListState> lists) {
      state = new ListState(vector, slot, false);
      Type child = group.getType(0);
      boolean isMap =
          !(group.getLogicalTypeAnnotation()
              instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation);
      if (isMap || ParquetSchemas.isElementItself(group, child)) {
        repeated =
            counting(ParquetSchemas.requiredCopy(child), vector.getDataVector(), state, lists);
      } else {
        Converter element =
            converter(
                child.asGroupType().getType(0), vector.getDataVector(), state::nextIndex, lists);
        repeated = new RepeatedWrapper(element, state);
      }
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return repeated;
    }

    @Override
    public void start() {
      state.begin();
    }

    @Override
    public void end() {}
  }

  /** The repeated group of a three-level list, around its element: it counts the element. */
  private static final class RepeatedWrapper extends GroupConverter {
    private final Converter element;
    private final ListState state;

    RepeatedWrapper(Converter element, ListState state) {
      this.element = element;
      this.state = state;
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return element;
    }

    @Override
    public void start() {
      state.nextIndex();
    }

    @Override
    public void end() {
      state.added();
    }
  }

  private static final class CountingGroup extends GroupConverter {
    private final GroupConverter element;
    private final ListState state;

    CountingGroup(GroupConverter element, ListState state) {
      this.element = element;
      this.state = state;
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return element.getConverter(fieldIndex);
    }

    @Override
    public void start() {
      element.start();
    }

    @Override
    public void end() {
      element.end();
      state.added();
    }
  }

  private static final class CountingPrimitive extends PrimitiveConverter {
    private final Primitive value;
    private final ListState state;

    CountingPrimitive(Primitive value, ListState state) {
      this.value = value;
      this.state = state;
    }

    @Override
    public void addBinary(Binary binary) {
      value.addBinary(binary);
      state.added();
    }

    @Override
    public void addBoolean(boolean v) {
      value.addBoolean(v);
      state.added();
    }

    @Override
    public void addDouble(double v) {
      value.addDouble(v);
      state.added();
    }

    @Override
    public void addFloat(float v) {
      value.addFloat(v);
      state.added();
    }

    @Override
    public void addInt(int v) {
      value.addInt(v);
      state.added();
    }

    @Override
    public void addLong(long v) {
      value.addLong(v);
      state.added();
    }
  }

  /** A group that is a struct: its fields write at the struct's index. */
  private static final class Struct extends GroupConverter {
    private final StructVector vector;
    private final IntSupplier slot;
    private final Converter[] fields;

    Struct(GroupType group, StructVector vector, IntSupplier slot, List<ListState> lists) {
      this.vector = vector;
      this.slot = slot;
      fields = new Converter[group.getFieldCount()];
      for (int i = 0; i < fields.length; i++) {
        Type child = group.getType(i);
        FieldVector childVector = (FieldVector) vector.getChild(child.getName());
        if (childVector == null) {
          childVector = vector.getChildrenFromFields().get(i); // a map's key and value by position
        }
        fields[i] = converter(child, childVector, slot, lists);
      }
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return fields[fieldIndex];
    }

    @Override
    public void start() {
      vector.setIndexDefined(slot.getAsInt());
    }

    @Override
    public void end() {}
  }

  /** A primitive value into a vector of its (possibly wider) type. */
  private static final class Primitive extends PrimitiveConverter {
    private static final long MICROS_PER_DAY = 86_400_000_000L;
    private static final long JULIAN_EPOCH_DAY = 2_440_588L;

    private final FieldVector vector;
    private final IntSupplier slot;
    private final boolean unsigned;

    /** Multiplies (positive) or divides (negative) stored times to get microseconds. */
    private final long toMicros;

    Primitive(PrimitiveType type, FieldVector vector, IntSupplier slot) {
      this.vector = vector;
      this.slot = slot;
      LogicalTypeAnnotation annotation = type.getLogicalTypeAnnotation();
      this.unsigned = annotation instanceof IntLogicalTypeAnnotation integer && !integer.isSigned();
      TimeUnit unit = null;
      if (annotation instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation timestamp) {
        unit = timestamp.getUnit();
      } else if (annotation instanceof LogicalTypeAnnotation.TimeLogicalTypeAnnotation time) {
        unit = time.getUnit();
      }
      this.toMicros = unit == TimeUnit.MILLIS ? 1000 : unit == TimeUnit.NANOS ? -1000 : 1;
    }

    private byte[][] dictionary;

    @Override
    public boolean hasDictionarySupport() {
      return vector instanceof VarCharVector || vector instanceof VarBinaryVector;
    }

    @Override
    public void setDictionary(Dictionary values) {
      dictionary = new byte[values.getMaxId() + 1][];
      for (int id = 0; id <= values.getMaxId(); id++) {
        dictionary[id] = values.decodeToBinary(id).getBytes();
      }
    }

    @Override
    public void addValueFromDictionary(int id) {
      byte[] bytes = dictionary[id];
      int index = slot.getAsInt();
      if (vector instanceof VarCharVector text) {
        text.setSafe(index, bytes);
      } else {
        ((VarBinaryVector) vector).setSafe(index, bytes);
      }
    }

    private long micros(long value) {
      return toMicros >= 0 ? value * toMicros : Math.floorDiv(value, -toMicros);
    }

    @Override
    public void addBoolean(boolean value) {
      ((BitVector) vector).setSafe(slot.getAsInt(), value ? 1 : 0);
    }

    @Override
    public void addInt(int value) {
      int index = slot.getAsInt();
      if (vector instanceof IntVector ints) {
        ints.setSafe(index, value);
      } else if (vector instanceof BigIntVector longs) {
        longs.setSafe(index, unsigned ? Integer.toUnsignedLong(value) : value);
      } else if (vector instanceof DateDayVector days) {
        days.setSafe(index, value);
      } else if (vector instanceof TimeMicroVector times) {
        times.setSafe(index, micros(value));
      } else if (vector instanceof DecimalVector decimals) {
        decimals.setSafe(index, value);
      } else {
        throw mismatch("INT32");
      }
    }

    @Override
    public void addLong(long value) {
      int index = slot.getAsInt();
      if (vector instanceof BigIntVector longs) {
        longs.setSafe(index, value);
      } else if (vector instanceof TimeStampVector timestamps) {
        timestamps.setSafe(index, micros(value));
      } else if (vector instanceof TimeMicroVector times) {
        times.setSafe(index, micros(value));
      } else if (vector instanceof DecimalVector decimals) {
        if (unsigned && value < 0) {
          decimals.setSafe(
              index,
              new java.math.BigDecimal(
                  new BigInteger(Long.toUnsignedString(value)), decimals.getScale()));
        } else {
          decimals.setSafe(index, value);
        }
      } else {
        throw mismatch("INT64");
      }
    }

    @Override
    public void addFloat(float value) {
      int index = slot.getAsInt();
      if (vector instanceof Float4Vector floats) {
        floats.setSafe(index, value);
      } else if (vector instanceof Float8Vector doubles) {
        doubles.setSafe(index, value);
      } else {
        throw mismatch("FLOAT");
      }
    }

    @Override
    public void addDouble(double value) {
      if (!(vector instanceof Float8Vector doubles)) {
        throw mismatch("DOUBLE");
      }
      doubles.setSafe(slot.getAsInt(), value);
    }

    @Override
    public void addBinary(Binary value) {
      int index = slot.getAsInt();
      if (vector instanceof VarCharVector text) {
        ByteBuffer bytes = value.toByteBuffer();
        text.setSafe(index, bytes, bytes.position(), bytes.remaining());
      } else if (vector instanceof VarBinaryVector binary) {
        ByteBuffer bytes = value.toByteBuffer();
        binary.setSafe(index, bytes, bytes.position(), bytes.remaining());
      } else if (vector instanceof FixedSizeBinaryVector fixed) {
        fixed.setSafe(index, value.getBytes());
      } else if (vector instanceof DecimalVector decimals) {
        decimals.setBigEndianSafe(index, value.getBytes());
      } else if (vector instanceof TimeStampVector timestamps) {
        timestamps.setSafe(index, int96Micros(value));
      } else {
        throw mismatch("BINARY");
      }
    }

    /** An INT96 timestamp: nanoseconds of the day, then the Julian day, little-endian. */
    private static long int96Micros(Binary value) {
      ByteBuffer bytes = value.toByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN);
      long nanosOfDay = bytes.getLong();
      int julianDay = bytes.getInt();
      return (julianDay - JULIAN_EPOCH_DAY) * MICROS_PER_DAY + nanosOfDay / 1000;
    }

    private IllegalStateException mismatch(String physical) {
      return new IllegalStateException(
          physical + " values cannot go into column '" + vector.getField() + "'");
    }
  }
}
