package dev.tidewater.planner.contract;

import dev.tidewater.planner.Positions;
import java.util.Locale;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlDataTypeSpec;

/** The SQL types a contract column may have, and the Arrow types they map to. */
final class ContractTypes {
  static final int MAX_DECIMAL_PRECISION = 38;
  static final String SUPPORTED =
      "BIGINT, INTEGER, SMALLINT, TINYINT, DOUBLE, REAL, FLOAT, DECIMAL(p, s), VARCHAR[(n)],"
          + " CHAR[(n)], BOOLEAN, DATE, TIMESTAMP, TIMESTAMP WITH LOCAL TIME ZONE, TIMESTAMP WITH"
          + " TIME ZONE";

  /** A column type: its canonical SQL spelling, Arrow type, and maximum length in characters. */
  record MappedType(String sqlType, ArrowType type, int maxLength) {}

  private ContractTypes() {}

  /**
   * Maps a parsed type; a user error at the type's position for a type contracts do not support.
   */
  static MappedType map(SqlDataTypeSpec spec) {
    if (!(spec.getTypeNameSpec() instanceof SqlBasicTypeNameSpec basic)) {
      throw Positions.userError(
          spec, "type %s cannot be used in a contract; the types are %s", spec, SUPPORTED);
    }
    String name = spec.getTypeName().getSimple().toUpperCase(Locale.ROOT);
    int precision = basic.getPrecision();
    int scale = basic.getScale();
    return switch (name) {
      case "BIGINT" -> plain(spec, precision, "BIGINT", new ArrowType.Int(64, true));
      case "INTEGER", "INT" -> plain(spec, precision, "INTEGER", new ArrowType.Int(32, true));
      case "SMALLINT" -> plain(spec, precision, "SMALLINT", new ArrowType.Int(16, true));
      case "TINYINT" -> plain(spec, precision, "TINYINT", new ArrowType.Int(8, true));
      case "DOUBLE" ->
          plain(
              spec,
              precision,
              "DOUBLE",
              new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE));
      case "REAL", "FLOAT" ->
          plain(
              spec, precision, "REAL", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE));
      case "DECIMAL", "NUMERIC", "DEC" -> decimal(spec, precision, scale);
      case "VARCHAR", "CHAR" -> {
        // CHAR without a length is CHAR(1), as in the SQL standard; VARCHAR without one is
        // unbounded
        int length = precision >= 0 ? precision : name.equals("CHAR") ? 1 : -1;
        if (precision == 0) {
          throw Positions.userError(spec, "%s needs a length of at least 1", name);
        }
        String sqlType = length < 0 ? name : name + "(" + length + ")";
        yield new MappedType(sqlType, ArrowType.Utf8.INSTANCE, length);
      }
      case "BOOLEAN" -> plain(spec, precision, "BOOLEAN", ArrowType.Bool.INSTANCE);
      case "DATE" -> plain(spec, precision, "DATE", new ArrowType.Date(DateUnit.DAY));
      case "TIMESTAMP" -> timestamp(spec, precision, "TIMESTAMP", null);
      case "TIMESTAMP_WITH_LOCAL_TIME_ZONE" ->
          timestamp(spec, precision, "TIMESTAMP WITH LOCAL TIME ZONE", "UTC");
      case "TIMESTAMP_TZ" -> timestamp(spec, precision, "TIMESTAMP WITH TIME ZONE", "UTC");
      default ->
          throw Positions.userError(
              spec,
              "type %s cannot be used in a contract; the types are %s",
              name.replace('_', ' '),
              SUPPORTED);
    };
  }

  private static MappedType plain(
      SqlDataTypeSpec spec, int precision, String sqlType, ArrowType type) {
    if (precision >= 0) {
      throw Positions.userError(spec, "type %s takes no precision or length", sqlType);
    }
    return new MappedType(sqlType, type, -1);
  }

  private static MappedType decimal(SqlDataTypeSpec spec, int precision, int scale) {
    // DECIMAL alone is DECIMAL(38, 0): the standard's scale 0, Iceberg's largest precision
    int p = precision < 0 ? MAX_DECIMAL_PRECISION : precision;
    int s = scale < 0 ? 0 : scale;
    if (p < 1 || p > MAX_DECIMAL_PRECISION) {
      throw Positions.userError(
          spec, "DECIMAL precision must be between 1 and %d, not %d", MAX_DECIMAL_PRECISION, p);
    }
    if (s > p) {
      throw Positions.userError(
          spec, "DECIMAL(%d, %d): the scale cannot be larger than the precision", p, s);
    }
    return new MappedType("DECIMAL(" + p + ", " + s + ")", new ArrowType.Decimal(p, s, 128), -1);
  }

  private static MappedType timestamp(
      SqlDataTypeSpec spec, int precision, String sqlType, String zone) {
    // values are held in microseconds whatever the precision, as Iceberg stores them
    if (precision > 6) {
      throw Positions.userError(
          spec,
          "%s(%d): timestamps are stored in microseconds; the precision is at most 6",
          sqlType,
          precision);
    }
    return new MappedType(sqlType, new ArrowType.Timestamp(TimeUnit.MICROSECOND, zone), -1);
  }
}
