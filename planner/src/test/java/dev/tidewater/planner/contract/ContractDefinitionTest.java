package dev.tidewater.planner.contract;

import static dev.tidewater.planner.contract.ContractBatches.contract;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.SqlPosition;
import dev.tidewater.spi.TidewaterException;
import java.util.List;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.junit.jupiter.api.Test;

class ContractDefinitionTest {
  @Test
  void mapsEveryTypeAndRule() {
    ContractDefinition contract =
        contract(
            """
            CREATE CONTRACT orders_v1 (
              id BIGINT NOT NULL,
              qty INTEGER, small SMALLINT, tiny TINYINT,
              amount DECIMAL(12,2) CHECK (amount >= 0),
              plain DECIMAL, ratio DOUBLE, r REAL, f FLOAT,
              status VARCHAR CHECK (status IN ('new', 'paid', 'void')),
              code VARCHAR(3), flag CHAR, "Release Date" DATE,
              seen TIMESTAMP, updated_at TIMESTAMP WITH LOCAL TIME ZONE NOT NULL,
              at_tz TIMESTAMP(3) WITH TIME ZONE, ok BOOLEAN,
              UNIQUE (id), UNIQUE (status, "Release Date"),
              CHECK (qty > 0 OR status = 'void')
            ) WITH (columns = 'freeze', 'DATA_TYPE' = 'Discard_Row')
            """);
    assertThat(contract.name()).isEqualTo("orders_v1");
    assertThat(contract.version()).isEqualTo(1);
    assertThat(contract.columns())
        .extracting(ContractDefinition.Column::name, ContractDefinition.Column::sqlType)
        .containsExactly(
            tuple("id", "BIGINT"),
            tuple("qty", "INTEGER"),
            tuple("small", "SMALLINT"),
            tuple("tiny", "TINYINT"),
            tuple("amount", "DECIMAL(12, 2)"),
            tuple("plain", "DECIMAL(38, 0)"),
            tuple("ratio", "DOUBLE"),
            tuple("r", "REAL"),
            tuple("f", "REAL"),
            tuple("status", "VARCHAR"),
            tuple("code", "VARCHAR(3)"),
            tuple("flag", "CHAR(1)"),
            tuple("Release Date", "DATE"),
            tuple("seen", "TIMESTAMP"),
            tuple("updated_at", "TIMESTAMP WITH LOCAL TIME ZONE"),
            tuple("at_tz", "TIMESTAMP WITH TIME ZONE"),
            tuple("ok", "BOOLEAN"));
    assertThat(contract.arrowSchema().getFields())
        .extracting(Field::getType)
        .containsExactly(
            new ArrowType.Int(64, true),
            new ArrowType.Int(32, true),
            new ArrowType.Int(16, true),
            new ArrowType.Int(8, true),
            new ArrowType.Decimal(12, 2, 128),
            new ArrowType.Decimal(38, 0, 128),
            new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE),
            new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE),
            new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE),
            ArrowType.Utf8.INSTANCE,
            ArrowType.Utf8.INSTANCE,
            ArrowType.Utf8.INSTANCE,
            new ArrowType.Date(DateUnit.DAY),
            new ArrowType.Timestamp(TimeUnit.MICROSECOND, null),
            new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"),
            new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"),
            ArrowType.Bool.INSTANCE);
    assertThat(contract.arrowSchema().findField("id").isNullable()).isFalse();
    assertThat(contract.column("CODE").orElseThrow().maxLength()).isEqualTo(3);
    assertThat(contract.column("flag").orElseThrow().maxLength()).isEqualTo(1);
    assertThat(contract.column("status").orElseThrow().hasMaxLength()).isFalse();
    assertThat(contract.column("amount").orElseThrow().check()).isEqualTo("\"amount\" >= 0");
    assertThat(contract.uniqueKeys())
        .containsExactly(List.of("id"), List.of("status", "Release Date"));
    assertThat(contract.checks()).containsExactly("\"qty\" > 0 OR \"status\" = 'void'");
    assertThat(contract.modes())
        .isEqualTo(
            new ContractDefinition.Modes(
                EvolutionMode.EVOLVE, EvolutionMode.FREEZE, EvolutionMode.DISCARD_ROW));
    assertThat(contract.modes().describe())
        .isEqualTo("tables = 'evolve', columns = 'freeze', data_type = 'discard_row'");
  }

  @Test
  void defaultsToDltModes() {
    ContractDefinition contract = contract("CREATE CONTRACT c (id BIGINT)");
    assertThat(contract.modes()).isEqualTo(ContractDefinition.Modes.DEFAULT);
    assertThat(contract.modes().tables()).isEqualTo(EvolutionMode.EVOLVE);
    contract.checkNewTable("iceberg.sales.orders");
  }

  @Test
  void tablesFreezeRefusesNewTables() {
    ContractDefinition contract =
        contract("CREATE CONTRACT c (id BIGINT) WITH (tables = 'freeze')");
    assertThatThrownBy(() -> contract.checkNewTable("iceberg.sales.orders"))
        .isInstanceOf(TidewaterException.class)
        .hasMessageContaining("table iceberg.sales.orders does not exist")
        .hasMessageContaining("tables = 'freeze'");
  }

  @Test
  void duplicateColumnIgnoringCase() {
    assertUserError(
        """
        CREATE CONTRACT c (
          id BIGINT,
          "ID" INTEGER
        )""",
        "column 'ID' is defined twice (as 'id' before; names are case-insensitive)",
        3,
        3);
  }

  @Test
  void unknownColumnInUnique() {
    assertUserError(
        """
        CREATE CONTRACT c (
          id BIGINT,
          UNIQUE (id, nope)
        )""",
        "UNIQUE: unknown column 'nope'; the columns are id",
        3,
        15);
  }

  @Test
  void uniqueDeclaredTwiceOrWithARepeatedColumn() {
    assertUserError(
        "CREATE CONTRACT c (a BIGINT, b BIGINT, UNIQUE (a, b), UNIQUE (b, a))",
        "UNIQUE (b, a) is declared twice",
        1,
        62);
    assertUserError(
        "CREATE CONTRACT c (a BIGINT, UNIQUE (a, A))", "UNIQUE: column 'a' is listed twice", 1, 41);
  }

  @Test
  void unknownColumnInCheck() {
    assertUserError(
        """
        CREATE CONTRACT c (
          amount DECIMAL(12, 2),
          CHECK (amount > 0 AND amuont < 10)
        )""",
        "Unknown column 'amuont'; the columns are amount",
        3,
        25);
  }

  @Test
  void columnCheckMayReadOtherColumns() {
    ContractDefinition contract =
        contract("CREATE CONTRACT c (lo INTEGER CHECK (lo <= hi), hi INTEGER)");
    assertThat(contract.column("lo").orElseThrow().check()).isEqualTo("\"lo\" <= \"hi\"");
  }

  @Test
  void checkMustBeBoolean() {
    assertUserError(
        """
        CREATE CONTRACT c (
          amount DECIMAL(12, 2) CHECK (amount + 1)
        )""",
        "Expected a boolean expression, got one of type DECIMAL(13, 2)",
        2,
        32);
  }

  @Test
  void checkTypeErrors() {
    TidewaterException error =
        userError("CREATE CONTRACT c (status VARCHAR, CHECK (no_such_function(status)))");
    assertThat(error.getMessage()).contains("No match found for function signature");
    assertThat(error.position()).isPresent();
  }

  @Test
  void unsupportedTypes() {
    assertUserError(
        """
        CREATE CONTRACT c (
          id BIGINT,
          raw VARBINARY
        )""",
        "type VARBINARY cannot be used in a contract; the types are BIGINT",
        3,
        7);
    assertUserError(
        "CREATE CONTRACT c (amount DECIMAL(40, 2))",
        "DECIMAL precision must be between 1 and 38, not 40",
        1,
        27);
    assertUserError(
        "CREATE CONTRACT c (t TIMESTAMP(9))",
        "TIMESTAMP(9): timestamps are stored in microseconds; the precision is at most 6",
        1,
        22);
    assertUserError(
        "CREATE CONTRACT c (s VARCHAR(0))", "VARCHAR needs a length of at least 1", 1, 22);
  }

  @Test
  void unknownOptionOrMode() {
    assertUserError(
        """
        CREATE CONTRACT c (id BIGINT)
        WITH (columns = 'evolve', schema = 'freeze')""",
        "unknown contract option 'schema'; the options are tables, columns and data_type",
        2,
        27);
    assertUserError(
        """
        CREATE CONTRACT c (id BIGINT)
        WITH (data_type = 'strict')""",
        "data_type = 'strict': the modes are evolve, freeze, discard_row, discard_value",
        2,
        19);
    assertUserError(
        "CREATE CONTRACT c (id BIGINT) WITH (tables = 'freeze', TABLES = 'evolve')",
        "option 'tables' is set twice",
        1,
        56);
  }

  private static TidewaterException userError(String sql) {
    try {
      contract(sql);
    } catch (TidewaterException e) {
      assertThat(e.kind()).isEqualTo(ErrorKind.USER);
      return e;
    }
    throw new AssertionError("expected an error for " + sql);
  }

  private static void assertUserError(String sql, String message, int line, int column) {
    TidewaterException error = userError(sql);
    assertThat(error.getMessage()).contains(message);
    assertThat(error.position()).contains(new SqlPosition(line, column));
  }

  private static org.assertj.core.groups.Tuple tuple(Object... values) {
    return org.assertj.core.groups.Tuple.tuple(values);
  }
}
