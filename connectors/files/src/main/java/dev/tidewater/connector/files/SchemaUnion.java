package dev.tidewater.connector.files;

import dev.tidewater.spi.TidewaterException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * One schema for files whose schemas differ the way an Iceberg table's schema may evolve: columns
 * (also struct fields) are matched by name, a column missing from a file is null there, int widens
 * to bigint, real to double, and a decimal to more digits of the same scale. Anything else is an
 * error naming the column and both files.
 */
final class SchemaUnion {
  private SchemaUnion() {}

  /** A file's schema and the name to show for the file. */
  record FileSchema(String file, Schema schema) {}

  static Schema unify(List<FileSchema> files) {
    List<Field> fields = new ArrayList<>(files.get(0).schema().getFields());
    String first = files.get(0).file();
    for (FileSchema file : files.subList(1, files.size())) {
      fields = unifyFields(fields, file.schema().getFields(), "", first, file.file());
    }
    return new Schema(fields);
  }

  private static List<Field> unifyFields(
      List<Field> known, List<Field> more, String prefix, String first, String file) {
    List<Field> fields = new ArrayList<>(known);
    for (Field field : more) {
      int index = indexOf(fields, field.getName());
      if (index < 0) {
        fields.add(field);
      } else {
        fields.set(index, unify(fields.get(index), field, prefix, first, file));
      }
    }
    return fields;
  }

  private static Field unify(Field known, Field other, String prefix, String first, String file) {
    String path = prefix + known.getName();
    ArrowType type = known.getType();
    ArrowType otherType = other.getType();
    ArrowType widened = widen(type, otherType);
    if (widened == null) {
      throw TidewaterException.user(
          "column '%s' is %s in %s but %s in %s; files of one source must have compatible types"
              + " (int widens to bigint, real to double, a decimal to more digits)",
          path, type, first, otherType, file);
    }
    FieldType fieldType = new FieldType(known.isNullable() || other.isNullable(), widened, null);
    if (type instanceof ArrowType.Struct) {
      return new Field(
          known.getName(),
          fieldType,
          unifyFields(known.getChildren(), other.getChildren(), path + ".", first, file));
    }
    if (type instanceof ArrowType.List || type instanceof ArrowType.Map) {
      Field element = known.getChildren().get(0);
      Field otherElement = other.getChildren().get(0);
      if (type instanceof ArrowType.Map) {
        return new Field(
            known.getName(),
            fieldType,
            List.of(
                new Field(
                    element.getName(),
                    element.getFieldType(),
                    List.of(
                        unify(
                            element.getChildren().get(0),
                            otherElement.getChildren().get(0),
                            path + ".",
                            first,
                            file),
                        unify(
                            element.getChildren().get(1),
                            otherElement.getChildren().get(1),
                            path + ".",
                            first,
                            file)))));
      }
      return new Field(
          known.getName(),
          fieldType,
          List.of(unify(element, otherElement, path + ".", first, file)));
    }
    return new Field(known.getName(), fieldType, null);
  }

  /** The type both values fit, or null when there is none. */
  private static ArrowType widen(ArrowType type, ArrowType other) {
    if (type.equals(other)) {
      return type;
    }
    if (type instanceof ArrowType.Int a && other instanceof ArrowType.Int b) {
      return a.getBitWidth() >= b.getBitWidth() ? a : b;
    }
    if (type instanceof ArrowType.FloatingPoint a && other instanceof ArrowType.FloatingPoint b) {
      return a.getPrecision() == FloatingPointPrecision.DOUBLE ? a : b;
    }
    if (type instanceof ArrowType.Decimal a
        && other instanceof ArrowType.Decimal b
        && a.getScale() == b.getScale()) {
      return a.getPrecision() >= b.getPrecision() ? a : b;
    }
    return null;
  }

  private static int indexOf(List<Field> fields, String name) {
    for (int i = 0; i < fields.size(); i++) {
      if (fields.get(i).getName().equals(name)) {
        return i;
      }
    }
    return -1;
  }
}
