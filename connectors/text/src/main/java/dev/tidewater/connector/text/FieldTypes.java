package dev.tidewater.connector.text;

import dev.tidewater.spi.TidewaterException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/** SQL names of the Arrow types the text connectors produce, and the {@code columns} option. */
public final class FieldTypes {
  /** The name of a list's element field, as the Arrow format recommends. */
  static final String LIST_ELEMENT_NAME = "item";

  private static final String SUPPORTED =
      "BOOLEAN, INTEGER, BIGINT, REAL, DOUBLE, DECIMAL(p, s), DATE, TIMESTAMP,"
          + " TIMESTAMP WITH TIME ZONE, VARCHAR";

  private FieldTypes() {}

  /** The SQL name of a field's type, for messages ({@code DECIMAL(18,2)}). */
  public static String sqlName(Field field) {
    ArrowType type = field.getType();
    switch (type.getTypeID()) {
      case Bool:
        return "BOOLEAN";
      case Int:
        return ((ArrowType.Int) type).getBitWidth() == 32 ? "INTEGER" : "BIGINT";
      case FloatingPoint:
        return ((ArrowType.FloatingPoint) type).getPrecision() == FloatingPointPrecision.SINGLE
            ? "REAL"
            : "DOUBLE";
      case Decimal:
        ArrowType.Decimal decimal = (ArrowType.Decimal) type;
        return "DECIMAL(" + decimal.getPrecision() + "," + decimal.getScale() + ")";
      case Date:
        return "DATE";
      case Timestamp:
        return ((ArrowType.Timestamp) type).getTimezone() == null
            ? "TIMESTAMP"
            : "TIMESTAMP WITH TIME ZONE";
      case Utf8:
        return "VARCHAR";
      case Struct:
        return "ROW";
      case List:
        return sqlName(field.getChildren().get(0)) + " ARRAY";
      default:
        return type.toString();
    }
  }

  /**
   * Parses the {@code columns} option, {@code 'zip VARCHAR, amount DECIMAL(10,2)'}: a comma list of
   * a name (double quotes for unusual names) and a SQL type; keys keep their spelling.
   */
  public static Map<String, ArrowType> parseColumns(String text) {
    Map<String, ArrowType> columns = new LinkedHashMap<>();
    int depth = 0;
    int start = 0;
    boolean quoted = false;
    for (int i = 0; i <= text.length(); i++) {
      char c = i < text.length() ? text.charAt(i) : ',';
      if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && c == '(') {
        depth++;
      } else if (!quoted && c == ')') {
        depth--;
      } else if (!quoted && depth == 0 && c == ',') {
        String definition = text.substring(start, Math.min(i, text.length())).trim();
        start = i + 1;
        if (definition.isEmpty()) {
          if (i < text.length()) {
            throw TidewaterException.user(
                "option 'columns': empty column definition in '%s'", text);
          }
          continue;
        }
        parseDefinition(definition, columns);
      }
    }
    return columns;
  }

  private static void parseDefinition(String definition, Map<String, ArrowType> columns) {
    String name;
    String type;
    if (definition.startsWith("\"")) {
      int close = definition.indexOf('"', 1);
      if (close < 0) {
        throw TidewaterException.user("option 'columns': unclosed quote in '%s'", definition);
      }
      name = definition.substring(1, close);
      type = definition.substring(close + 1).trim();
    } else {
      int space = indexOfWhitespace(definition);
      if (space < 0) {
        throw TidewaterException.user(
            "option 'columns': '%s' needs a name and a type, e.g. 'zip VARCHAR'", definition);
      }
      name = definition.substring(0, space);
      type = definition.substring(space).trim();
    }
    if (name.isEmpty() || type.isEmpty()) {
      throw TidewaterException.user(
          "option 'columns': '%s' needs a name and a type, e.g. 'zip VARCHAR'", definition);
    }
    if (columns.put(name, parseType(type)) != null) {
      throw TidewaterException.user("option 'columns': column '%s' appears twice", name);
    }
  }

  private static int indexOfWhitespace(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (Character.isWhitespace(text.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  /** Parses one SQL type name. */
  public static ArrowType parseType(String sqlType) {
    String normalized = sqlType.trim().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
    String base = normalized;
    String arguments = null;
    int open = normalized.indexOf('(');
    if (open >= 0) {
      if (!normalized.endsWith(")")) {
        throw unsupportedType(sqlType);
      }
      base = normalized.substring(0, open).trim();
      arguments = normalized.substring(open + 1, normalized.length() - 1).trim();
    }
    switch (base) {
      case "BOOLEAN":
      case "BOOL":
        return noArguments(ArrowType.Bool.INSTANCE, arguments, sqlType);
      case "INT":
      case "INTEGER":
      case "INT4":
        return noArguments(new ArrowType.Int(32, true), arguments, sqlType);
      case "BIGINT":
      case "INT8":
      case "LONG":
        return noArguments(new ArrowType.Int(64, true), arguments, sqlType);
      case "REAL":
      case "FLOAT4":
        return noArguments(
            new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE), arguments, sqlType);
      case "DOUBLE":
      case "DOUBLE PRECISION":
      case "FLOAT":
      case "FLOAT8":
        return noArguments(
            new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE), arguments, sqlType);
      case "DECIMAL":
      case "NUMERIC":
        return decimal(arguments, sqlType);
      case "DATE":
        return noArguments(new ArrowType.Date(DateUnit.DAY), arguments, sqlType);
      case "TIMESTAMP":
      case "TIMESTAMP WITHOUT TIME ZONE":
      case "DATETIME":
        return noArguments(new ArrowType.Timestamp(TimeUnit.MICROSECOND, null), arguments, sqlType);
      case "TIMESTAMP WITH TIME ZONE":
      case "TIMESTAMPTZ":
      case "TIMESTAMP WITH LOCAL TIME ZONE":
        return noArguments(
            new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"), arguments, sqlType);
      case "VARCHAR":
      case "CHAR":
      case "CHARACTER":
      case "CHARACTER VARYING":
      case "STRING":
      case "TEXT":
        return ArrowType.Utf8.INSTANCE; // a length is accepted and not enforced
      default:
        throw unsupportedType(sqlType);
    }
  }

  private static ArrowType noArguments(ArrowType type, String arguments, String sqlType) {
    if (arguments != null) {
      throw unsupportedType(sqlType);
    }
    return type;
  }

  private static ArrowType decimal(String arguments, String sqlType) {
    int precision = TypeInference.MAX_DECIMAL_PRECISION;
    int scale = 0;
    try {
      if (arguments != null) {
        String[] parts = arguments.split(",", -1);
        if (parts.length > 2) {
          throw unsupportedType(sqlType);
        }
        precision = Integer.parseInt(parts[0].trim());
        if (parts.length == 2) {
          scale = Integer.parseInt(parts[1].trim());
        }
      }
    } catch (NumberFormatException e) {
      throw unsupportedType(sqlType);
    }
    if (precision < 1 || precision > TypeInference.MAX_DECIMAL_PRECISION) {
      throw TidewaterException.user(
          "option 'columns': DECIMAL precision must be between 1 and 38, not %d", precision);
    }
    if (scale < 0 || scale > precision) {
      throw TidewaterException.user(
          "option 'columns': DECIMAL scale must be between 0 and the precision %d, not %d",
          precision, scale);
    }
    return new ArrowType.Decimal(precision, scale, 128);
  }

  private static TidewaterException unsupportedType(String sqlType) {
    return TidewaterException.user(
        "option 'columns': unsupported type '%s'; supported: %s", sqlType.trim(), SUPPORTED);
  }
}
