package dev.tidewater.planner.load;

import dev.tidewater.iceberg.ArrowSchemas;
import dev.tidewater.planner.result.TypeNames;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;

/**
 * How a load changes an existing table's schema: source columns the table lacks are added
 * (optional, so old rows read as null), and columns widen along Iceberg's legal promotions (int to
 * long, float to double, decimal precision up). Nothing is ever dropped or narrowed; the change
 * commits in the same transaction as the data.
 */
public record SchemaEvolution(List<Types.NestedField> added, List<Widening> widened) {
  public SchemaEvolution {
    added = List.copyOf(added);
    widened = List.copyOf(widened);
  }

  /** A column whose type widens. */
  public record Widening(String column, Type from, Type.PrimitiveType to) {}

  public static SchemaEvolution plan(Schema source, org.apache.iceberg.Schema table) {
    List<Types.NestedField> added = new ArrayList<>();
    List<Widening> widened = new ArrayList<>();
    org.apache.iceberg.Schema sourceSchema = ArrowSchemas.toIceberg(source);
    for (Field field : source.getFields()) {
      Types.NestedField sourceColumn = sourceSchema.findField(field.getName());
      Types.NestedField column = table.caseInsensitiveFindField(field.getName());
      if (column == null) {
        added.add(sourceColumn);
      } else if (column.type().isPrimitiveType()
          && sourceColumn.type().isPrimitiveType()
          && !column.type().equals(sourceColumn.type())
          && TypeUtil.isPromotionAllowed(column.type(), sourceColumn.type().asPrimitiveType())) {
        widened.add(
            new Widening(column.name(), column.type(), sourceColumn.type().asPrimitiveType()));
      }
    }
    return new SchemaEvolution(added, widened);
  }

  public boolean isEmpty() {
    return added.isEmpty() && widened.isEmpty();
  }

  public void applyTo(UpdateSchema update) {
    for (Types.NestedField column : added) {
      update.addColumn(column.name(), column.type());
    }
    widened.forEach(widening -> update.updateColumn(widening.column(), widening.to()));
  }

  /** The table's schema after the change. */
  public org.apache.iceberg.Schema apply(org.apache.iceberg.Table table) {
    if (isEmpty()) {
      return table.schema();
    }
    UpdateSchema update = table.updateSchema();
    applyTo(update);
    return update.apply();
  }

  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    for (Types.NestedField column : added) {
      lines.add("add column " + column.name() + " " + TypeNames.of(column.type()));
    }
    for (Widening widening : widened) {
      lines.add(
          "widen "
              + widening.column()
              + " "
              + TypeNames.of(widening.from())
              + " -> "
              + TypeNames.of(widening.to()));
    }
    return lines;
  }
}
