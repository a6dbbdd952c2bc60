package dev.tidewater.planner.query;

import java.util.List;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Calcite row types for Arrow schemas. Nested columns (structs, lists, maps) are shown to SQL as
 * VARCHAR holding their JSON text, so every client can display them.
 */
public final class CalciteTypes {
  private CalciteTypes() {}

  static RelDataType rowType(RelDataTypeFactory factory, Schema schema) {
    RelDataTypeFactory.Builder builder = factory.builder();
    for (Field field : schema.getFields()) {
      builder.add(field.getName(), factory.createTypeWithNullability(type(factory, field), true));
    }
    return builder.build();
  }

  /** The Calcite type of an Arrow field, as queries and expressions see it. */
  public static RelDataType type(RelDataTypeFactory factory, Field field) {
    ArrowType type = field.getType();
    return switch (type.getTypeID()) {
      case Int ->
          switch (((ArrowType.Int) type).getBitWidth()) {
            case 8 -> factory.createSqlType(SqlTypeName.TINYINT);
            case 16 -> factory.createSqlType(SqlTypeName.SMALLINT);
            case 32 -> factory.createSqlType(SqlTypeName.INTEGER);
            default -> factory.createSqlType(SqlTypeName.BIGINT);
          };
      case FloatingPoint ->
          factory.createSqlType(
              ((ArrowType.FloatingPoint) type).getPrecision() == FloatingPointPrecision.DOUBLE
                  ? SqlTypeName.DOUBLE
                  : SqlTypeName.REAL);
      case Decimal -> {
        ArrowType.Decimal decimal = (ArrowType.Decimal) type;
        yield factory.createSqlType(
            SqlTypeName.DECIMAL, decimal.getPrecision(), decimal.getScale());
      }
      case Bool -> factory.createSqlType(SqlTypeName.BOOLEAN);
      case Date -> factory.createSqlType(SqlTypeName.DATE);
      case Timestamp ->
          ((ArrowType.Timestamp) type).getTimezone() == null
              ? factory.createSqlType(SqlTypeName.TIMESTAMP, 3)
              : factory.createSqlType(SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE, 3);
      case Binary, LargeBinary, FixedSizeBinary -> factory.createSqlType(SqlTypeName.VARBINARY);
      default -> factory.createSqlType(SqlTypeName.VARCHAR);
    };
  }

  static List<String> names(Schema schema) {
    return schema.getFields().stream().map(Field::getName).toList();
  }
}
