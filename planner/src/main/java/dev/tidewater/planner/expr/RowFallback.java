package dev.tidewater.planner.expr;

import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.TidewaterException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.TimeZone;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.linq4j.QueryProvider;
import org.apache.calcite.linq4j.function.Function1;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.TimeFrames;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexExecutorImpl;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.schema.SchemaPlus;

/**
 * A boolean expression evaluated one row at a time by Java code that Calcite generates and Janino
 * compiles ({@link RexExecutorImpl#getExecutable}): every function Calcite implements, at the cost
 * of boxing each value. Values reach the generated code in Calcite's representation: dates as days,
 * timestamps as milliseconds (finer digits are dropped), decimals as BigDecimal.
 */
final class RowFallback implements BoolExpr {
  private static final JavaTypeFactory TYPE_FACTORY = new JavaTypeFactoryImpl();

  private final String text;
  private final String expressionText;
  private final Function1<DataContext, Object[]> function;
  private final int fieldCount;
  private final int[] columns;
  private final long currentMillis;

  /**
   * @param text the node's text for plans
   * @param expressionText the whole expression's SQL, for error messages
   */
  RowFallback(
      RexNode node,
      RelDataType rowType,
      RexBuilder rexBuilder,
      String text,
      String expressionText) {
    this.text = text;
    this.expressionText = expressionText;
    this.function = RexExecutorImpl.getExecutable(rexBuilder, List.of(node), rowType).getFunction();
    this.fieldCount = rowType.getFieldCount();
    this.columns = RelOptUtil.InputFinder.bits(node).toArray();
    this.currentMillis = System.currentTimeMillis();
  }

  @Override
  public void evaluate(EvalBatch batch, long[] trueBits, long[] falseBits) {
    int words = batch.words();
    java.util.Arrays.fill(trueBits, 0, words, 0L);
    java.util.Arrays.fill(falseBits, 0, words, 0L);
    Object[] record = new Object[fieldCount];
    Reader[] readers = new Reader[columns.length];
    for (int i = 0; i < columns.length; i++) {
      readers[i] = reader(batch.vector(columns[i]));
    }
    Context context = new Context(record, currentMillis);
    for (int row = 0, rows = batch.rows(); row < rows; row++) {
      for (int i = 0; i < columns.length; i++) {
        record[columns[i]] = readers[i].read(row);
      }
      Object value;
      try {
        value = function.apply(context)[0];
      } catch (RuntimeException e) {
        throw new TidewaterException(
            ErrorKind.USER,
            "Cannot evaluate '"
                + expressionText
                + "' for row "
                + row
                + " of the batch: "
                + message(e),
            e);
      }
      if (Boolean.TRUE.equals(value)) {
        Bits.set(trueBits, row);
      } else if (Boolean.FALSE.equals(value)) {
        Bits.set(falseBits, row);
      }
    }
  }

  private static String message(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getMessage() == null) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }

  /** Reads one value in Calcite's Java representation. */
  private interface Reader {
    Object read(int row);
  }

  private static Reader reader(FieldVector vector) {
    if (vector instanceof BigIntVector v) {
      return row -> v.isNull(row) ? null : v.get(row);
    }
    if (vector instanceof IntVector v) {
      return row -> v.isNull(row) ? null : v.get(row);
    }
    if (vector instanceof SmallIntVector v) {
      return row -> v.isNull(row) ? null : v.get(row);
    }
    if (vector instanceof TinyIntVector v) {
      return row -> v.isNull(row) ? null : v.get(row);
    }
    if (vector instanceof Float8Vector v) {
      return row -> v.isNull(row) ? null : v.get(row);
    }
    if (vector instanceof Float4Vector v) {
      return row -> v.isNull(row) ? null : v.get(row);
    }
    if (vector instanceof DecimalVector v) {
      return row -> v.isNull(row) ? null : (BigDecimal) v.getObject(row);
    }
    if (vector instanceof VarCharVector v) {
      return row -> v.isNull(row) ? null : new String(v.get(row), StandardCharsets.UTF_8);
    }
    if (vector instanceof LargeVarCharVector v) {
      return row -> v.isNull(row) ? null : new String(v.get(row), StandardCharsets.UTF_8);
    }
    if (vector instanceof BitVector v) {
      return row -> v.isNull(row) ? null : v.get(row) != 0;
    }
    if (vector instanceof DateDayVector v) {
      return row -> v.isNull(row) ? null : v.get(row);
    }
    if (vector instanceof DateMilliVector v) {
      return row -> v.isNull(row) ? null : (int) Math.floorDiv(v.get(row), 86_400_000L);
    }
    if (vector instanceof TimeStampVector v) {
      long divisor =
          switch (((ArrowType.Timestamp) v.getField().getType()).getUnit()) {
            case SECOND -> -1_000L;
            case MILLISECOND -> 1L;
            case MICROSECOND -> 1_000L;
            case NANOSECOND -> 1_000_000L;
          };
      if (divisor < 0) {
        return row -> v.isNull(row) ? null : v.get(row) * 1_000L;
      }
      return row -> v.isNull(row) ? null : Math.floorDiv(v.get(row), divisor);
    }
    throw TidewaterException.internal(
        null, "No row reader for column '%s' of type %s", vector.getName(), vector.getField());
  }

  /** What the generated code asks for: the current row and the statement's clock. */
  private static final class Context implements DataContext {
    private final Object[] record;
    private final long currentMillis;

    Context(Object[] record, long currentMillis) {
      this.record = record;
      this.currentMillis = currentMillis;
    }

    @Override
    public SchemaPlus getRootSchema() {
      return null;
    }

    @Override
    public JavaTypeFactory getTypeFactory() {
      return TYPE_FACTORY;
    }

    @Override
    public QueryProvider getQueryProvider() {
      return null;
    }

    @Override
    public Object get(String name) {
      if ("inputRecord".equals(name)) {
        return record;
      }
      for (Variable variable : Variable.values()) {
        if (variable.camelName.equals(name)) {
          return switch (variable) {
            case UTC_TIMESTAMP, CURRENT_TIMESTAMP, LOCAL_TIMESTAMP, SYS_TIMESTAMP -> currentMillis;
            case TIME_ZONE -> TimeZone.getTimeZone("UTC");
            case LOCALE -> Locale.ROOT;
            case TIME_FRAME_SET -> TimeFrames.CORE;
            case USER, SYSTEM_USER -> "tidewater";
            default -> null;
          };
        }
      }
      return null;
    }
  }

  @Override
  public String toString() {
    return "row-by-row(" + text + ")";
  }
}
