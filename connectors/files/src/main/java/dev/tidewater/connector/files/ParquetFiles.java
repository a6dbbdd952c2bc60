package dev.tidewater.connector.files;

import dev.tidewater.spi.ColumnPredicate;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DecimalLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.IntLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Footers of Parquet files: their schemas, and the row groups whose min/max statistics do not rule
 * out a cursor window (the planner's {@code >}, {@code >=} and {@code <} predicates).
 */
final class ParquetFiles {
  private ParquetFiles() {}

  static InputFile input(FileSplit file) {
    return new LocalInputFile(file.path());
  }

  static ParquetFileReader open(FileSplit file) {
    try {
      return ParquetFileReader.open(input(file), ParquetReadOptions.builder().build());
    } catch (IOException | RuntimeException e) {
      throw unreadable(file, e);
    }
  }

  static ParquetMetadata footer(FileSplit file) {
    try (ParquetFileReader reader = open(file)) {
      return reader.getFooter();
    } catch (IOException e) {
      throw unreadable(file, e);
    }
  }

  static Schema schema(FileSplit file) {
    return ParquetSchemas.toArrow(footer(file).getFileMetaData().getSchema(), file.displayName());
  }

  static TidewaterException unreadable(FileSplit file, Exception e) {
    if (e instanceof TidewaterException tidewater) {
      return tidewater;
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return TidewaterException.user(
        "%s: not a readable Parquet file: %s",
        file.displayName(), message.replace(file.path().toString(), file.displayName()));
  }

  /** The split of {@code file} reading only the row groups that may hold rows in the window. */
  static ParquetSplit plan(FileSplit file, List<ColumnPredicate> predicates) {
    ParquetMetadata footer = footer(file);
    List<BlockMetaData> blocks = footer.getBlocks();
    List<Integer> kept = new ArrayList<>();
    long bytes = 0;
    for (int i = 0; i < blocks.size(); i++) {
      if (mayMatch(blocks.get(i), predicates)) {
        kept.add(i);
        bytes += blocks.get(i).getCompressedSize();
      }
    }
    return new ParquetSplit(file, kept, blocks.size(), bytes);
  }

  private static boolean mayMatch(BlockMetaData block, List<ColumnPredicate> predicates) {
    if (block.getRowCount() == 0) {
      return false;
    }
    for (ColumnPredicate predicate : predicates) {
      ColumnChunkMetaData chunk = topLevelChunk(block, predicate.column());
      if (chunk == null) {
        continue;
      }
      Statistics<?> statistics = chunk.getStatistics();
      if (statistics == null || statistics.isEmpty()) {
        continue;
      }
      if (!statistics.hasNonNullValue()) {
        if (statistics.getNumNulls() == block.getRowCount()) {
          return false; // only nulls: no row is in any window
        }
        continue;
      }
      PrimitiveType type = chunk.getPrimitiveType();
      Comparable<?> bound =
          switch (predicate.operator()) {
            case GREATER_THAN, GREATER_THAN_OR_EQUAL ->
                comparable(type, statistics.genericGetMax());
            case LESS_THAN -> comparable(type, statistics.genericGetMin());
            default -> null;
          };
      Integer compared = compare(bound, predicate.value());
      if (compared == null) {
        continue;
      }
      boolean possible =
          switch (predicate.operator()) {
            case GREATER_THAN -> compared > 0;
            case GREATER_THAN_OR_EQUAL -> compared >= 0;
            case LESS_THAN -> compared < 0;
            default -> true;
          };
      if (!possible) {
        return false;
      }
    }
    return true;
  }

  private static ColumnChunkMetaData topLevelChunk(BlockMetaData block, String column) {
    ColumnChunkMetaData match = null;
    for (ColumnChunkMetaData chunk : block.getColumns()) {
      String[] path = chunk.getPath().toArray();
      if (path.length == 1 && path[0].equals(column)) {
        return chunk;
      }
      if (path.length == 1 && path[0].equalsIgnoreCase(column)) {
        match = chunk;
      }
    }
    return match;
  }

  /**
   * A statistic in the planner's cursor units: {@code Long} for integers, dates (days) and
   * timestamps (microseconds), {@code BigDecimal}, {@code Double}, {@code String}; null when the
   * column's statistics cannot be compared that way.
   */
  private static Comparable<?> comparable(PrimitiveType type, Object value) {
    LogicalTypeAnnotation annotation = type.getLogicalTypeAnnotation();
    if (annotation instanceof DecimalLogicalTypeAnnotation decimal) {
      BigInteger unscaled =
          value instanceof Binary binary
              ? new BigInteger(binary.getBytes())
              : BigInteger.valueOf(((Number) value).longValue());
      return new BigDecimal(unscaled, decimal.getScale());
    }
    if (annotation instanceof IntLogicalTypeAnnotation integer && !integer.isSigned()) {
      return null; // unsigned order differs from the cursor's
    }
    if (annotation instanceof TimestampLogicalTypeAnnotation timestamp) {
      long stored = (Long) value;
      return timestamp.getUnit() == TimeUnit.MILLIS
          ? stored * 1000
          : timestamp.getUnit() == TimeUnit.NANOS ? Math.floorDiv(stored, 1000) : stored;
    }
    switch (type.getPrimitiveTypeName()) {
      case INT32:
      case INT64:
        return ((Number) value).longValue();
      case FLOAT:
      case DOUBLE:
        return ((Number) value).doubleValue();
      case BINARY:
        return annotation instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
            ? ((Binary) value).toStringUsingUTF8()
            : null;
      default:
        return null;
    }
  }

  /** Compares a statistic with a cursor value, or null when their kinds differ. */
  private static Integer compare(Comparable<?> statistic, Object cursor) {
    if (statistic == null) {
      return null;
    }
    if (statistic instanceof Long value && cursor instanceof Long bound) {
      return Long.compare(value, bound);
    }
    if (statistic instanceof Double value && cursor instanceof Double bound) {
      return Double.compare(value, bound);
    }
    if (statistic instanceof BigDecimal value && cursor instanceof BigDecimal bound) {
      return value.compareTo(bound);
    }
    if (statistic instanceof Long value && cursor instanceof BigDecimal bound) {
      return BigDecimal.valueOf(value).compareTo(bound);
    }
    if (statistic instanceof String value && cursor instanceof String bound) {
      return value.compareTo(bound);
    }
    return null;
  }

  /**
   * The part of the file's schema that the reader asks for: the top-level fields of {@code target}
   * and, inside structs, the fields the target struct has.
   */
  static MessageType requested(MessageType file, Schema target) {
    List<Type> fields = new ArrayList<>();
    for (Type type : file.getFields()) {
      Field field = field(target.getFields(), type.getName());
      if (field != null) {
        fields.add(prune(type, field));
      }
    }
    return new MessageType(file.getName(), fields);
  }

  private static Type prune(Type type, Field target) {
    if (type.isPrimitive()
        || type.isRepetition(Type.Repetition.REPEATED)
        || type.getLogicalTypeAnnotation() != null
        || !(target.getType() instanceof org.apache.arrow.vector.types.pojo.ArrowType.Struct)) {
      return type;
    }
    GroupType group = type.asGroupType();
    List<Type> children = new ArrayList<>();
    for (Type child : group.getFields()) {
      Field field = field(target.getChildren(), child.getName());
      if (field != null) {
        children.add(prune(child, field));
      }
    }
    return group.withNewFields(children);
  }

  private static Field field(List<Field> fields, String name) {
    for (Field field : fields) {
      if (field.getName().equals(name)) {
        return field;
      }
    }
    return null;
  }
}
