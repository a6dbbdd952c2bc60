package dev.tidewater.flight;

import java.sql.DatabaseMetaData;
import java.sql.Types;
import java.util.Comparator;
import java.util.List;
import org.apache.arrow.flight.sql.FlightSqlProducer.Schemas;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetXdbcTypeInfo;

/** The SQL types Tidewater supports, for {@code GetXdbcTypeInfo} (JDBC's {@code getTypeInfo}). */
final class TypeInfo {
  private static final List<SqlType> TYPES =
      List.of(
          numeric("TINYINT", Types.TINYINT, 3, 0),
          numeric("SMALLINT", Types.SMALLINT, 5, 0),
          numeric("INTEGER", Types.INTEGER, 10, 0),
          numeric("BIGINT", Types.BIGINT, 19, 0),
          numeric("REAL", Types.REAL, 7, 0),
          numeric("DOUBLE", Types.DOUBLE, 15, 0),
          new SqlType(
              "DECIMAL",
              Types.DECIMAL,
              38,
              null,
              null,
              List.of("precision", "scale"),
              false,
              0,
              38,
              10),
          new SqlType("BOOLEAN", Types.BOOLEAN, 1, null, null, List.of(), false, null, null, null),
          new SqlType(
              "VARCHAR", Types.VARCHAR, 65_536, "'", "'", List.of(), true, null, null, null),
          new SqlType(
              "BINARY",
              Types.BINARY,
              65_536,
              "X'",
              "'",
              List.of("length"),
              false,
              null,
              null,
              null),
          new SqlType(
              "VARBINARY", Types.VARBINARY, 65_536, "X'", "'", List.of(), false, null, null, null),
          new SqlType("DATE", Types.DATE, 10, "DATE '", "'", List.of(), false, null, null, null),
          new SqlType("TIME", Types.TIME, 15, "TIME '", "'", List.of(), false, 0, 6, null),
          new SqlType(
              "TIMESTAMP", Types.TIMESTAMP, 26, "TIMESTAMP '", "'", List.of(), false, 0, 6, null),
          new SqlType(
              "TIMESTAMP WITH LOCAL TIME ZONE",
              Types.TIMESTAMP_WITH_TIMEZONE,
              26,
              "TIMESTAMP '",
              "'",
              List.of(),
              false,
              0,
              6,
              null));

  private TypeInfo() {}

  /** One row per type, ordered by JDBC type code; a data type in the command filters. */
  static MetadataTable rows(CommandGetXdbcTypeInfo command) {
    MetadataTable table = new MetadataTable(Schemas.GET_TYPE_INFO_SCHEMA);
    TYPES.stream()
        .filter(type -> !command.hasDataType() || command.getDataType() == type.dataType())
        .sorted(Comparator.comparingInt(SqlType::dataType))
        .forEach(
            type ->
                table.add(
                    type.name(),
                    type.dataType(),
                    type.columnSize(),
                    type.literalPrefix(),
                    type.literalSuffix(),
                    type.createParams(),
                    DatabaseMetaData.typeNullable,
                    type.caseSensitive(),
                    DatabaseMetaData.typeSearchable,
                    type.numPrecRadix() == null ? null : false,
                    false,
                    type.numPrecRadix() == null ? null : false,
                    type.name(),
                    type.minimumScale(),
                    type.maximumScale(),
                    type.dataType(),
                    null,
                    type.numPrecRadix(),
                    null));
    return table;
  }

  private static SqlType numeric(String name, int dataType, int precision, int scale) {
    return new SqlType(name, dataType, precision, null, null, List.of(), false, scale, scale, 10);
  }

  private record SqlType(
      String name,
      int dataType,
      int columnSize,
      String literalPrefix,
      String literalSuffix,
      List<String> createParams,
      boolean caseSensitive,
      Integer minimumScale,
      Integer maximumScale,
      Integer numPrecRadix) {}
}
