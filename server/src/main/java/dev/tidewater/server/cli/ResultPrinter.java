package dev.tidewater.server.cli;

import dev.tidewater.spi.BatchReader;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Prints a result as a text table, up to a number of rows, and counts the rest. A table wider than
 * the screen ({@code maxWidth}) is printed one record per block, a line per column, as psql's
 * expanded display does.
 */
public final class ResultPrinter implements ResultWriter {
  private final PrintStream out;
  private final int maxRows;
  private final int maxWidth;

  public ResultPrinter(PrintStream out, int maxRows) {
    this(out, maxRows, Integer.MAX_VALUE);
  }

  public ResultPrinter(PrintStream out, int maxRows, int maxWidth) {
    this.maxWidth = maxWidth;
    this.out = out;
    this.maxRows = maxRows;
  }

  /** Prints the rows and returns how many there were in all. */
  @Override
  public long print(BatchReader reader) {
    List<Field> fields = reader.schema().getFields();
    List<String[]> rows = new ArrayList<>();
    long total = 0;
    while (reader.next()) {
      VectorSchemaRoot root = reader.root();
      for (int row = 0; row < root.getRowCount(); row++, total++) {
        if (rows.size() < maxRows) {
          String[] values = new String[fields.size()];
          for (int column = 0; column < fields.size(); column++) {
            values[column] = format(root.getVector(column), row);
          }
          rows.add(values);
        }
      }
    }
    String[] names = fields.stream().map(Field::getName).toArray(String[]::new);
    int[] widths = widths(names, rows);
    String rule = rule(widths);
    if (rule.length() > maxWidth) {
      printExpanded(fields, rows);
    } else {
      printTable(out, names, rows, widths, rule);
    }
    if (total > rows.size()) {
      out.printf("(%d more rows not shown)%n", total - rows.size());
    }
    return total;
  }

  /** Prints rows of text under a header as a table. */
  static void printTable(PrintStream out, String[] names, List<String[]> rows) {
    int[] widths = widths(names, rows);
    printTable(out, names, rows, widths, rule(widths));
  }

  private static int[] widths(String[] names, List<String[]> rows) {
    int[] widths = new int[names.length];
    for (int column = 0; column < names.length; column++) {
      widths[column] = names[column].length();
      for (String[] row : rows) {
        widths[column] = Math.max(widths[column], row[column].length());
      }
    }
    return widths;
  }

  private static void printTable(
      PrintStream out, String[] names, List<String[]> rows, int[] widths, String rule) {
    out.println(rule);
    out.println(line(names, widths));
    out.println(rule);
    for (String[] row : rows) {
      out.println(line(row, widths));
    }
    out.println(rule);
  }

  private void printExpanded(List<Field> fields, List<String[]> rows) {
    int nameWidth = fields.stream().mapToInt(f -> f.getName().length()).max().orElse(0);
    for (int row = 0; row < rows.size(); row++) {
      String header = "-[ RECORD " + (row + 1) + " ]";
      out.println(header + "-".repeat(Math.max(0, nameWidth + 3 - header.length())));
      for (int column = 0; column < fields.size(); column++) {
        String name = fields.get(column).getName();
        out.println(name + " ".repeat(nameWidth - name.length()) + " | " + rows.get(row)[column]);
      }
    }
  }

  private static String rule(int[] widths) {
    StringBuilder line = new StringBuilder("+");
    for (int width : widths) {
      line.append("-".repeat(width + 2)).append('+');
    }
    return line.toString();
  }

  private static String line(String[] values, int[] widths) {
    StringBuilder line = new StringBuilder("|");
    for (int i = 0; i < values.length; i++) {
      line.append(' ').append(values[i]).append(" ".repeat(widths[i] - values[i].length()));
      line.append(" |");
    }
    return line.toString();
  }

  /** A value as the table shows it: NULL for null, line breaks as {@code \\n}. */
  static String format(FieldVector vector, int row) {
    return vector.isNull(row) ? "NULL" : text(vector, row).replace("\n", "\\n");
  }

  /**
   * A non-null value as text: timestamps without zone as {@code 2026-01-02 03:04:05}, with zone in
   * ISO-8601 UTC, dates ISO, decimals without exponent.
   */
  static String text(FieldVector vector, int row) {
    if (vector instanceof TimeStampVector timestamps) {
      ArrowType.Timestamp type = (ArrowType.Timestamp) vector.getField().getType();
      Instant instant = instant(timestamps.get(row), type.getUnit());
      if (type.getTimezone() == null) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC)
            .format(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .replace('T', ' ');
      }
      return instant.toString();
    }
    if (vector instanceof DateDayVector dates) {
      return LocalDate.ofEpochDay(dates.get(row)).toString();
    }
    Object value = vector.getObject(row);
    if (value instanceof BigDecimal decimal) {
      return decimal.toPlainString();
    }
    return String.valueOf(value);
  }

  private static Instant instant(long value, TimeUnit unit) {
    return switch (unit) {
      case SECOND -> Instant.ofEpochSecond(value);
      case MILLISECOND -> Instant.ofEpochMilli(value);
      case MICROSECOND ->
          Instant.ofEpochSecond(
              Math.floorDiv(value, 1_000_000), Math.floorMod(value, 1_000_000) * 1_000L);
      case NANOSECOND ->
          Instant.ofEpochSecond(
              Math.floorDiv(value, 1_000_000_000), Math.floorMod(value, 1_000_000_000));
    };
  }
}
