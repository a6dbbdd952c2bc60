package dev.tidewater.connector.text;

import dev.tidewater.spi.TidewaterException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Schema steps every text source takes the same way: the {@code columns} type overrides, the
 * projection of a request, and the request's text columns. Names match exactly first, then ignoring
 * case when that is unique.
 */
public final class SourceSchemas {
  private SourceSchemas() {}

  /** Replaces inferred types by those of the {@code columns} option. */
  public static Schema withColumnTypes(Schema inferred, Map<String, ArrowType> columns) {
    if (columns.isEmpty()) {
      return inferred;
    }
    List<Field> fields = new ArrayList<>(inferred.getFields());
    for (Map.Entry<String, ArrowType> column : columns.entrySet()) {
      int index = indexOf(fields, column.getKey());
      if (index < 0) {
        throw TidewaterException.user(
            "option 'columns' names column '%s', but the source has no such column (columns: %s)",
            column.getKey(), names(fields));
      }
      String name = fields.get(index).getName();
      fields.set(index, new Field(name, FieldType.nullable(column.getValue()), null));
    }
    return new Schema(fields);
  }

  /** The fields of {@code columns} in their order (all when empty); a user error for unknowns. */
  public static Schema project(String sourceName, Schema sourceSchema, List<String> columns) {
    if (columns.isEmpty()) {
      return sourceSchema;
    }
    List<Field> fields = sourceSchema.getFields();
    List<Field> projected = new ArrayList<>(columns.size());
    for (String column : columns) {
      int index = indexOf(fields, column);
      if (index < 0) {
        throw TidewaterException.user(
            "source '%s' has no column '%s' (columns: %s)", sourceName, column, names(fields));
      }
      projected.add(fields.get(index));
    }
    return new Schema(projected);
  }

  /**
   * The schema with every field named in {@code textColumns} (ignoring case) replaced by a nullable
   * VARCHAR of the same name: the reader then delivers the value as the source wrote it.
   */
  public static Schema asText(Schema schema, Set<String> textColumns) {
    if (textColumns.isEmpty()) {
      return schema;
    }
    Set<String> names =
        textColumns.stream().map(name -> name.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    List<Field> fields = new ArrayList<>(schema.getFields().size());
    for (Field field : schema.getFields()) {
      fields.add(
          names.contains(field.getName().toLowerCase(Locale.ROOT))
              ? new Field(field.getName(), FieldType.nullable(ArrowType.Utf8.INSTANCE), null)
              : field);
    }
    return new Schema(fields, schema.getCustomMetadata());
  }

  /** The field named {@code name}, or null. */
  public static Field field(Schema schema, String name) {
    int index = indexOf(schema.getFields(), name);
    return index < 0 ? null : schema.getFields().get(index);
  }

  /** Exact match first, then a unique case-insensitive one; -1 when none. */
  private static int indexOf(List<Field> fields, String name) {
    int caseInsensitive = -1;
    int matches = 0;
    for (int i = 0; i < fields.size(); i++) {
      String fieldName = fields.get(i).getName();
      if (fieldName.equals(name)) {
        return i;
      }
      if (fieldName.equalsIgnoreCase(name)) {
        caseInsensitive = i;
        matches++;
      }
    }
    return matches == 1 ? caseInsensitive : -1;
  }

  private static String names(List<Field> fields) {
    return fields.stream().map(Field::getName).collect(Collectors.joining(", "));
  }
}
