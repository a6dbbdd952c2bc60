package dev.tidewater.server.cli;

import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import dev.tidewater.spi.BatchReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * RFC 4180 CSV: a header line of column names, then every row; NULL is an empty field, a value is
 * written as the table output shows it, quoted when it holds a comma, a quote or a line break.
 */
final class CsvResultWriter implements ResultWriter {
  private final PrintStream out;

  CsvResultWriter(PrintStream out) {
    this.out = out;
  }

  @Override
  public long print(BatchReader reader) {
    List<Field> fields = reader.schema().getFields();
    CsvWriter csv =
        CsvWriter.builder()
            .lineDelimiter(LineDelimiter.LF)
            .autoFlush(false)
            .build(out, StandardCharsets.UTF_8);
    csv.writeRecord(fields.stream().map(Field::getName).toList());
    String[] values = new String[fields.size()];
    long total = 0;
    while (reader.next()) {
      VectorSchemaRoot root = reader.root();
      for (int row = 0; row < root.getRowCount(); row++, total++) {
        for (int column = 0; column < values.length; column++) {
          FieldVector vector = root.getVector(column);
          values[column] = vector.isNull(row) ? "" : ResultPrinter.text(vector, row);
        }
        csv.writeRecord(values);
      }
    }
    try {
      csv.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return total;
  }
}
