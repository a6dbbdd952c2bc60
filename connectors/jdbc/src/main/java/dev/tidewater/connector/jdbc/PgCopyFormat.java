package dev.tidewater.connector.jdbc;

import dev.tidewater.connector.jdbc.JdbcColumn.ValueKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * Which PostgreSQL columns the binary COPY path decodes itself, and how COPY selects each: the
 * built-in scalar types as they are, types read as text (uuid, json, jsonb, enums, unbounded
 * numeric, ...) cast to {@code text} so that the server sends their text form. A column of any
 * other type sends the whole split down the {@link java.sql.ResultSet} path.
 */
final class PgCopyFormat {
  private PgCopyFormat() {}

  /** PostgreSQL's binary wire formats that {@link PgBinaryDecoder} knows. */
  enum WireType {
    INT2,
    INT4,
    INT8,
    FLOAT4,
    FLOAT8,
    BOOL,
    NUMERIC,
    TEXT,
    BYTEA,
    DATE,
    TIME,
    TIMESTAMP,
    TIMESTAMPTZ,
    ARRAY
  }

  /** One selected column: its wire type, for arrays the element's, and its select expression. */
  record Column(WireType type, WireType element, String expression) {}

  /** The columns as COPY selects and decodes them, or null if one needs the ResultSet path. */
  static List<Column> of(List<JdbcColumn> columns, String quote) {
    List<Column> result = new ArrayList<>();
    for (JdbcColumn column : columns) {
      Column format = column(column, JdbcConnector.quote(quote, column.name()));
      if (format == null) {
        return null;
      }
      result.add(format);
    }
    return result;
  }

  /** {@code SELECT <expressions> FROM}: the select list of a COPY over these columns. */
  static String selectList(List<Column> columns) {
    StringBuilder select = new StringBuilder("SELECT ");
    for (int i = 0; i < columns.size(); i++) {
      select.append(i == 0 ? "" : ", ").append(columns.get(i).expression());
    }
    return select.toString();
  }

  private static Column column(JdbcColumn column, String quoted) {
    String type = column.databaseType().toLowerCase(Locale.ROOT);
    if (column.kind() == ValueKind.ARRAY) {
      return array(column, type, quoted);
    }
    if (column.kind() == ValueKind.DECIMAL_TEXT) {
      // numeric_out's own digits (NaN and infinities too), as the ResultSet path reads them;
      // money without its currency sign.
      return new Column(
          WireType.TEXT, null, quoted + (type.equals("money") ? "::numeric::text" : "::text"));
    }
    if (column.kind() == ValueKind.TEXT) {
      return switch (type) {
        case "text", "varchar", "bpchar" -> new Column(WireType.TEXT, null, quoted);
        // inet's cast to text always shows the netmask; its output (and abbrev) does not
        case "inet" -> new Column(WireType.TEXT, null, "abbrev(" + quoted + ")");
        default -> new Column(WireType.TEXT, null, quoted + "::text");
      };
    }
    WireType wire = scalar(column.kind(), type);
    return wire == null ? null : new Column(wire, null, quoted);
  }

  /** The wire type of a column whose database type is {@code type}, or null if unknown. */
  private static WireType scalar(ValueKind kind, String type) {
    return switch (kind) {
      case INT ->
          switch (type) {
            case "int2", "smallserial" -> WireType.INT2;
            case "int4", "serial" -> WireType.INT4;
            default -> null;
          };
      case LONG -> type.equals("int8") || type.equals("bigserial") ? WireType.INT8 : null;
      case FLOAT -> type.equals("float4") ? WireType.FLOAT4 : null;
      case DOUBLE -> type.equals("float8") ? WireType.FLOAT8 : null;
      case DECIMAL -> type.equals("numeric") ? WireType.NUMERIC : null;
      case BOOLEAN -> type.equals("bool") ? WireType.BOOL : null;
      case DATE -> type.equals("date") ? WireType.DATE : null;
      case TIME -> type.equals("time") ? WireType.TIME : null;
      case TIMESTAMP -> type.equals("timestamp") ? WireType.TIMESTAMP : null;
      case TIMESTAMP_TZ -> type.equals("timestamptz") ? WireType.TIMESTAMPTZ : null;
      case BINARY -> type.equals("bytea") ? WireType.BYTEA : null;
      default -> null;
    };
  }

  /** A one-dimensional array ({@code _int4}); elements read as text come cast to {@code text[]}. */
  private static Column array(JdbcColumn column, String type, String quoted) {
    if (!type.startsWith("_") || column.field().getChildren().size() != 1) {
      return null;
    }
    String element = type.substring(1);
    ArrowType elementType = column.field().getChildren().get(0).getType();
    WireType wire =
        switch (element) {
          case "int2" -> WireType.INT2;
          case "int4" -> WireType.INT4;
          case "int8" -> WireType.INT8;
          case "float4" -> WireType.FLOAT4;
          case "float8" -> WireType.FLOAT8;
          case "bool" -> WireType.BOOL;
          case "date" -> WireType.DATE;
          case "timestamp" -> WireType.TIMESTAMP;
          case "timestamptz" -> WireType.TIMESTAMPTZ;
          case "text", "varchar", "bpchar" -> WireType.TEXT;
          default -> null;
        };
    if (wire != null) {
      return new Column(WireType.ARRAY, wire, quoted);
    }
    if (elementType instanceof ArrowType.Utf8 && !element.equals("inet")) {
      return new Column(WireType.ARRAY, WireType.TEXT, quoted + "::text[]");
    }
    return null;
  }
}
