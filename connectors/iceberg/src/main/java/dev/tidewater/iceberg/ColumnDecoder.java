package dev.tidewater.iceberg;

import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
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
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * Decodes the values of one Parquet column reader into an Arrow vector, per {@link ColumnLayout},
 * leaving out deleted rows.
 */
final class ColumnDecoder {
  private ColumnDecoder() {}

  /** Allocates room for {@code rows} values. */
  static void allocate(FieldVector vector, int rows) {
    if (vector instanceof BaseFixedWidthVector fixed) {
      fixed.allocateNew(Math.max(rows, 1));
    } else if (vector instanceof BaseVariableWidthVector variable) {
      variable.allocateNew((long) Math.max(rows, 1) * 16, Math.max(rows, 1));
    } else {
      vector.allocateNew();
    }
  }

  /**
   * Decodes {@code rows} values of one column into {@code vector}, leaving out the rows {@code
   * skip} marks (null: none). One loop per layout, so that each stays small and monomorphic.
   */
  static void decode(
      ColumnReader column,
      int maxDefinition,
      ColumnLayout layout,
      FieldVector vector,
      int rows,
      boolean[] skip) {
    int out = 0;
    switch (layout) {
      case INT64 -> {
        BigIntVector target = vector instanceof BigIntVector v ? v : null;
        TimeMicroVector time = vector instanceof TimeMicroVector v ? v : null;
        TimeStampVector stamp = vector instanceof TimeStampVector v ? v : null;
        for (int row = 0; row < rows; row++) {
          boolean defined = column.getCurrentDefinitionLevel() == maxDefinition;
          if (skip != null && skip[row]) {
            if (defined) {
              column.skip();
            }
          } else {
            if (defined) {
              long value = column.getLong();
              if (target != null) {
                target.set(out, value);
              } else if (stamp != null) {
                stamp.set(out, value);
              } else {
                time.set(out, value);
              }
            }
            out++;
          }
          column.consume();
        }
      }
      case INT32_AS_INT64 -> {
        BigIntVector target = (BigIntVector) vector;
        for (int row = 0; row < rows; row++) {
          boolean defined = column.getCurrentDefinitionLevel() == maxDefinition;
          if (skip != null && skip[row]) {
            if (defined) {
              column.skip();
            }
          } else {
            if (defined) {
              target.set(out, column.getInteger());
            }
            out++;
          }
          column.consume();
        }
      }
      case INT32 -> {
        IntVector ints = vector instanceof IntVector v ? v : null;
        DateDayVector days = vector instanceof DateDayVector v ? v : null;
        for (int row = 0; row < rows; row++) {
          boolean defined = column.getCurrentDefinitionLevel() == maxDefinition;
          if (skip != null && skip[row]) {
            if (defined) {
              column.skip();
            }
          } else {
            if (defined) {
              int value = column.getInteger();
              if (ints != null) {
                ints.set(out, value);
              } else {
                days.set(out, value);
              }
            }
            out++;
          }
          column.consume();
        }
      }
      case BOOLEAN -> {
        BitVector target = (BitVector) vector;
        for (int row = 0; row < rows; row++) {
          boolean defined = column.getCurrentDefinitionLevel() == maxDefinition;
          if (skip != null && skip[row]) {
            if (defined) {
              column.skip();
            }
          } else {
            if (defined) {
              target.set(out, column.getBoolean() ? 1 : 0);
            }
            out++;
          }
          column.consume();
        }
      }
      case FLOAT -> {
        Float4Vector target = (Float4Vector) vector;
        for (int row = 0; row < rows; row++) {
          boolean defined = column.getCurrentDefinitionLevel() == maxDefinition;
          if (skip != null && skip[row]) {
            if (defined) {
              column.skip();
            }
          } else {
            if (defined) {
              target.set(out, column.getFloat());
            }
            out++;
          }
          column.consume();
        }
      }
      case DOUBLE, FLOAT_AS_DOUBLE -> {
        Float8Vector target = (Float8Vector) vector;
        boolean promoted = layout == ColumnLayout.FLOAT_AS_DOUBLE;
        for (int row = 0; row < rows; row++) {
          boolean defined = column.getCurrentDefinitionLevel() == maxDefinition;
          if (skip != null && skip[row]) {
            if (defined) {
              column.skip();
            }
          } else {
            if (defined) {
              target.set(out, promoted ? column.getFloat() : column.getDouble());
            }
            out++;
          }
          column.consume();
        }
      }
      case DECIMAL_LONG -> {
        DecimalVector target = (DecimalVector) vector;
        boolean int32 =
            column.getDescriptor().getPrimitiveType().getPrimitiveTypeName()
                == PrimitiveTypeName.INT32;
        for (int row = 0; row < rows; row++) {
          boolean defined = column.getCurrentDefinitionLevel() == maxDefinition;
          if (skip != null && skip[row]) {
            if (defined) {
              column.skip();
            }
          } else {
            if (defined) {
              target.set(out, int32 ? column.getInteger() : column.getLong());
            }
            out++;
          }
          column.consume();
        }
      }
      case DECIMAL_BYTES -> {
        DecimalVector target = (DecimalVector) vector;
        for (int row = 0; row < rows; row++) {
          boolean defined = column.getCurrentDefinitionLevel() == maxDefinition;
          if (skip != null && skip[row]) {
            if (defined) {
              column.skip();
            }
          } else {
            if (defined) {
              target.setBigEndian(out, column.getBinary().getBytes());
            }
            out++;
          }
          column.consume();
        }
      }
      case TIMESTAMP_MILLIS_AS_MICROS -> {
        TimeStampVector target = (TimeStampVector) vector;
        for (int row = 0; row < rows; row++) {
          boolean defined = column.getCurrentDefinitionLevel() == maxDefinition;
          if (skip != null && skip[row]) {
            if (defined) {
              column.skip();
            }
          } else {
            if (defined) {
              target.set(out, Math.multiplyExact(column.getLong(), 1_000L));
            }
            out++;
          }
          column.consume();
        }
      }
      case BYTES -> {
        BaseVariableWidthVector target = (BaseVariableWidthVector) vector;
        for (int row = 0; row < rows; row++) {
          boolean defined = column.getCurrentDefinitionLevel() == maxDefinition;
          if (skip != null && skip[row]) {
            if (defined) {
              column.skip();
            }
          } else {
            if (defined) {
              java.nio.ByteBuffer value = column.getBinary().toByteBuffer();
              target.setSafe(out, value, value.position(), value.remaining());
            }
            out++;
          }
          column.consume();
        }
      }
      case FIXED -> {
        FixedSizeBinaryVector target = (FixedSizeBinaryVector) vector;
        for (int row = 0; row < rows; row++) {
          boolean defined = column.getCurrentDefinitionLevel() == maxDefinition;
          if (skip != null && skip[row]) {
            if (defined) {
              column.skip();
            }
          } else {
            if (defined) {
              target.set(out, column.getBinary().getBytes());
            }
            out++;
          }
          column.consume();
        }
      }
      case MISSING -> throw new IllegalStateException("a missing column has no reader");
    }
  }
}
