package dev.tidewater.connector.jdbc;

import dev.tidewater.connector.jdbc.JdbcColumn.ValueKind;
import dev.tidewater.spi.TidewaterException;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * Maps database column types to Arrow (and so Iceberg) types without loss; the table in
 * docs/connectors.md is the contract of this class.
 */
final class JdbcTypes {
  /** Iceberg's widest decimal. */
  static final int MAX_DECIMAL_PRECISION = 38;

  private JdbcTypes() {}

  /**
   * The column {@code index} (1-based) of a result set. {@code isEnum} tells whether a
   * database-specific type name is an enumeration (PostgreSQL's user-defined enums).
   */
  static JdbcColumn column(
      ResultSetMetaData metadata,
      int index,
      Dialect dialect,
      Predicate<String> isEnum,
      String table)
      throws SQLException {
    String name = metadata.getColumnLabel(index);
    String typeName = metadata.getColumnTypeName(index);
    typeName = typeName == null ? "" : typeName;
    boolean nullable = metadata.isNullable(index) != ResultSetMetaData.columnNoNulls;
    Mapping mapping =
        mapping(
            metadata.getColumnType(index),
            typeName,
            metadata.getPrecision(index),
            metadata.getScale(index),
            metadata.isSigned(index),
            dialect,
            isEnum);
    if (mapping == null) {
      throw TidewaterException.user(
          "%s: column '%s' has type %s (JDBC type %d), which Tidewater cannot read; cast it in a"
              + " LOAD (SELECT ...) or leave it out",
          table, name, typeName, metadata.getColumnType(index));
    }
    List<Field> children = List.of();
    if (mapping.kind == ValueKind.ARRAY) {
      children = List.of(new Field("element", FieldType.nullable(mapping.element.type), null));
    }
    Field field = new Field(name, new FieldType(nullable, mapping.type, null), children);
    return new JdbcColumn(name, typeName, field, mapping.kind);
  }

  /** An Arrow type, its conversion and, for arrays, the element's mapping. */
  record Mapping(ArrowType type, ValueKind kind, Mapping element) {
    static Mapping of(ArrowType type, ValueKind kind) {
      return new Mapping(type, kind, null);
    }
  }

  static final ArrowType INT = new ArrowType.Int(32, true);
  static final ArrowType LONG = new ArrowType.Int(64, true);
  static final ArrowType FLOAT = new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
  static final ArrowType DOUBLE = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
  static final ArrowType DATE = new ArrowType.Date(DateUnit.DAY);
  static final ArrowType TIME = new ArrowType.Time(TimeUnit.MICROSECOND, 64);
  static final ArrowType TIMESTAMP = new ArrowType.Timestamp(TimeUnit.MICROSECOND, null);
  static final ArrowType TIMESTAMP_TZ = new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC");

  private static final Mapping TEXT = Mapping.of(ArrowType.Utf8.INSTANCE, ValueKind.TEXT);

  static Mapping mapping(
      int jdbcType,
      String typeName,
      int precision,
      int scale,
      boolean signed,
      Dialect dialect,
      Predicate<String> isEnum) {
    String lower = typeName.toLowerCase(Locale.ROOT);
    if (dialect == Dialect.SQLITE) {
      return sqlite(lower);
    }
    if (dialect == Dialect.POSTGRESQL) {
      Mapping special = postgres(jdbcType, lower, isEnum, dialect);
      if (special != null) {
        return special;
      }
    }
    if (lower.equals("uuid") || lower.equals("json") || lower.equals("jsonb")) {
      return TEXT;
    }
    switch (jdbcType) {
      case Types.TINYINT:
      case Types.SMALLINT:
        return Mapping.of(INT, ValueKind.INT);
      case Types.INTEGER:
        // MySQL's INT UNSIGNED and MEDIUMINT UNSIGNED need 64 bits.
        return signed || dialect != Dialect.MARIADB
            ? Mapping.of(INT, ValueKind.INT)
            : Mapping.of(LONG, ValueKind.LONG);
      case Types.BIGINT:
        return signed || dialect != Dialect.MARIADB
            ? Mapping.of(LONG, ValueKind.LONG)
            : Mapping.of(new ArrowType.Decimal(20, 0, 128), ValueKind.DECIMAL);
      case Types.REAL:
        return Mapping.of(FLOAT, ValueKind.FLOAT);
      case Types.FLOAT:
        // JDBC's FLOAT is a double, but DuckDB's FLOAT is 4 bytes.
        return dialect == Dialect.DUCKDB && lower.equals("float")
            ? Mapping.of(FLOAT, ValueKind.FLOAT)
            : Mapping.of(DOUBLE, ValueKind.DOUBLE);
      case Types.DOUBLE:
        return Mapping.of(DOUBLE, ValueKind.DOUBLE);
      case Types.NUMERIC:
      case Types.DECIMAL:
        return decimal(precision, scale);
      case Types.BIT:
      case Types.BOOLEAN:
        return precision > 1 && jdbcType == Types.BIT
            ? Mapping.of(ArrowType.Binary.INSTANCE, ValueKind.BINARY)
            : Mapping.of(ArrowType.Bool.INSTANCE, ValueKind.BOOLEAN);
      case Types.CHAR:
      case Types.VARCHAR:
      case Types.LONGVARCHAR:
      case Types.NCHAR:
      case Types.NVARCHAR:
      case Types.LONGNVARCHAR:
      case Types.CLOB:
      case Types.NCLOB:
        return TEXT;
      case Types.DATE:
        // MySQL's YEAR reports DATE; it holds a number.
        return lower.equals("year")
            ? Mapping.of(INT, ValueKind.INT)
            : Mapping.of(DATE, ValueKind.DATE);
      case Types.TIME:
        return Mapping.of(TIME, ValueKind.TIME);
      case Types.TIME_WITH_TIMEZONE:
        return null;
      case Types.TIMESTAMP:
        return lower.contains("with time zone") || lower.equals("timestamptz")
            ? Mapping.of(TIMESTAMP_TZ, ValueKind.TIMESTAMP_TZ)
            : Mapping.of(TIMESTAMP, ValueKind.TIMESTAMP);
      case Types.TIMESTAMP_WITH_TIMEZONE:
        return Mapping.of(TIMESTAMP_TZ, ValueKind.TIMESTAMP_TZ);
      case Types.ARRAY:
        return lower.endsWith("[]") ? array(lower.substring(0, lower.length() - 2), isEnum) : null;
      case Types.BINARY:
      case Types.VARBINARY:
      case Types.LONGVARBINARY:
      case Types.BLOB:
        return Mapping.of(ArrowType.Binary.INSTANCE, ValueKind.BINARY);
      default:
        return isEnum.test(lower) ? TEXT : null;
    }
  }

  /** NUMERIC(p, s) as a decimal when Iceberg can hold it; else (unbounded, p > 38) as text. */
  private static Mapping decimal(int precision, int scale) {
    if (precision <= 0 || precision > MAX_DECIMAL_PRECISION || scale < 0 || scale > precision) {
      return Mapping.of(ArrowType.Utf8.INSTANCE, ValueKind.DECIMAL_TEXT);
    }
    return Mapping.of(new ArrowType.Decimal(precision, scale, 128), ValueKind.DECIMAL);
  }

  /** PostgreSQL's own types that its driver reports vaguely. */
  private static Mapping postgres(
      int jdbcType, String lower, Predicate<String> isEnum, Dialect dialect) {
    switch (lower) {
      case "timestamptz":
        return Mapping.of(TIMESTAMP_TZ, ValueKind.TIMESTAMP_TZ);
      case "timetz":
        return null;
      case "uuid", "json", "jsonb", "xml", "citext", "inet", "cidr", "macaddr", "interval":
        return TEXT;
      case "money":
        return Mapping.of(ArrowType.Utf8.INSTANCE, ValueKind.DECIMAL_TEXT);
      default:
        break;
    }
    if (jdbcType == Types.ARRAY && lower.startsWith("_")) {
      return array(lower.substring(1), isEnum);
    }
    if (jdbcType == Types.OTHER || jdbcType == Types.VARCHAR) {
      return isEnum.test(lower) ? TEXT : null;
    }
    return null;
  }

  /** An array (PostgreSQL's {@code _int4}, DuckDB's {@code INTEGER[]}) of scalar elements. */
  private static Mapping array(String element, Predicate<String> isEnum) {
    Mapping mapping =
        switch (element) {
          case "int2", "int4", "smallint", "integer", "int", "tinyint" ->
              Mapping.of(INT, ValueKind.INT);
          case "int8", "bigint" -> Mapping.of(LONG, ValueKind.LONG);
          case "float4", "real", "float" -> Mapping.of(FLOAT, ValueKind.FLOAT);
          case "float8", "double", "double precision" -> Mapping.of(DOUBLE, ValueKind.DOUBLE);
          case "bool", "boolean" -> Mapping.of(ArrowType.Bool.INSTANCE, ValueKind.BOOLEAN);
          case "numeric", "decimal" -> Mapping.of(ArrowType.Utf8.INSTANCE, ValueKind.DECIMAL_TEXT);
          case "text", "varchar", "bpchar", "uuid", "json", "jsonb" -> TEXT;
          case "date" -> Mapping.of(DATE, ValueKind.DATE);
          case "timestamp" -> Mapping.of(TIMESTAMP, ValueKind.TIMESTAMP);
          case "timestamptz", "timestamp with time zone" ->
              Mapping.of(TIMESTAMP_TZ, ValueKind.TIMESTAMP_TZ);
          default -> isEnum.test(element) ? TEXT : null;
        };
    return mapping == null ? null : new Mapping(ArrowType.List.INSTANCE, ValueKind.ARRAY, mapping);
  }

  /**
   * SQLite stores values by affinity, not by declared type: integers are 64 bits, reals are
   * doubles, and dates are whatever text or number the writer chose, so they stay text.
   */
  private static Mapping sqlite(String declared) {
    if (declared.contains("int")) {
      return Mapping.of(LONG, ValueKind.LONG);
    }
    if (declared.contains("real") || declared.contains("floa") || declared.contains("doub")) {
      return Mapping.of(DOUBLE, ValueKind.DOUBLE);
    }
    if (declared.startsWith("bool")) {
      return Mapping.of(ArrowType.Bool.INSTANCE, ValueKind.BOOLEAN);
    }
    if (declared.contains("blob")) {
      return Mapping.of(ArrowType.Binary.INSTANCE, ValueKind.BINARY);
    }
    return TEXT;
  }
}
