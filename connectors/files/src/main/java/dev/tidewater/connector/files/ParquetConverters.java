package dev.tidewater.connector.files;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
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
      return new PrimitiveValues(type.asPrimitiveType(), vector, slot);
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
      PrimitiveValues value = new PrimitiveValues(element.asPrimitiveType(), data, slot);
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
    private final PrimitiveValues value;
    private final ListState state;

    CountingPrimitive(PrimitiveValues value, ListState state) {
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
}
