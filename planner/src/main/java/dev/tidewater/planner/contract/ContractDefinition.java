package dev.tidewater.planner.contract;

import static java.util.Objects.requireNonNull;

import dev.tidewater.parser.TidewaterSqlParser;
import dev.tidewater.parser.ast.SqlContractColumn;
import dev.tidewater.parser.ast.SqlCreateContract;
import dev.tidewater.parser.ast.SqlOption;
import dev.tidewater.planner.Positions;
import dev.tidewater.planner.expr.PredicateCompiler;
import dev.tidewater.spi.TidewaterException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;

/**
 * A data contract: typed columns with NOT NULL and CHECK rules, UNIQUE keys, table-level CHECKs and
 * the schema-evolution modes, as one version of a {@code CREATE CONTRACT} statement defines it.
 *
 * <p>Expressions ({@link Column#check()}, {@link #checks()}) are held as canonical SQL text that
 * {@link PredicateCompiler#compile(String, Schema)} accepts. A column's CHECK may read any column
 * of the contract, not only its own: it differs from a table CHECK only in where it is written and
 * how its rule is named.
 */
public record ContractDefinition(
    String name,
    int version,
    List<Column> columns,
    List<List<String>> uniqueKeys,
    List<String> checks,
    Modes modes,
    Instant createdAt) {

  /** The option keys of {@code WITH (...)}. */
  static final String TABLES = "tables";

  static final String COLUMNS = "columns";
  static final String DATA_TYPE = "data_type";

  public ContractDefinition {
    requireNonNull(name, "name is null");
    if (version < 1) {
      throw new IllegalArgumentException("contract versions start at 1: " + version);
    }
    columns = List.copyOf(requireNonNull(columns, "columns is null"));
    uniqueKeys =
        requireNonNull(uniqueKeys, "uniqueKeys is null").stream().map(List::copyOf).toList();
    checks = List.copyOf(requireNonNull(checks, "checks is null"));
    requireNonNull(modes, "modes is null");
    requireNonNull(createdAt, "createdAt is null");
  }

  /**
   * A contract column: its canonical SQL type ({@code DECIMAL(12, 2)}), the Arrow type its values
   * have after validation, the maximum length in characters of a VARCHAR(n) / CHAR(n) column (-1:
   * none), NOT NULL, and its CHECK as canonical SQL text (null: none).
   */
  public record Column(
      String name, String sqlType, ArrowType type, int maxLength, boolean notNull, String check) {
    public Column {
      requireNonNull(name, "name is null");
      requireNonNull(sqlType, "sqlType is null");
      requireNonNull(type, "type is null");
    }

    /** The column as an Arrow field, nullable unless NOT NULL. */
    public Field field() {
      return new Field(name, new FieldType(!notNull, type, null), null);
    }

    public boolean hasMaxLength() {
      return maxLength >= 0;
    }
  }

  /** The schema-evolution modes: for new tables, new columns, and values of another type. */
  public record Modes(EvolutionMode tables, EvolutionMode columns, EvolutionMode dataType) {
    /** dlt's defaults: everything evolves. */
    public static final Modes DEFAULT =
        new Modes(EvolutionMode.EVOLVE, EvolutionMode.EVOLVE, EvolutionMode.EVOLVE);

    public Modes {
      requireNonNull(tables, "tables is null");
      requireNonNull(columns, "columns is null");
      requireNonNull(dataType, "dataType is null");
    }

    /** {@code tables = 'evolve', columns = 'freeze', data_type = 'evolve'}. */
    public String describe() {
      return TABLES
          + " = '"
          + tables.sqlName()
          + "', "
          + COLUMNS
          + " = '"
          + columns.sqlName()
          + "', "
          + DATA_TYPE
          + " = '"
          + dataType.sqlName()
          + "'";
    }
  }

  /** The contract's columns as an Arrow schema; the types define a table the load creates. */
  public Schema arrowSchema() {
    return new Schema(columns.stream().map(Column::field).toList());
  }

  /** The column named {@code name}: exactly if there is one, else ignoring case. */
  public Optional<Column> column(String name) {
    for (Column column : columns) {
      if (column.name().equals(name)) {
        return Optional.of(column);
      }
    }
    return columns.stream().filter(column -> column.name().equalsIgnoreCase(name)).findFirst();
  }

  /**
   * Throws the user error of a load that would create table {@code table} under {@code tables =
   * 'freeze'}; does nothing in the other modes ({@code discard_row} and {@code discard_value} load
   * nothing into a new table, which the caller decides).
   */
  public void checkNewTable(String table) {
    if (modes.tables() == EvolutionMode.FREEZE) {
      throw TidewaterException.user(
          "table %s does not exist, and contract '%s' (tables = 'freeze') does not allow a load"
              + " to create it",
          table, name);
    }
  }

  /** Parses and checks a {@code CREATE CONTRACT} statement as version {@code version}, now. */
  public static ContractDefinition fromSql(SqlCreateContract create, int version) {
    return fromSql(create, version, Instant.now());
  }

  /**
   * Parses and checks a {@code CREATE CONTRACT} statement: column names are unique (ignoring case),
   * types are supported, UNIQUE keys name columns of the contract, every CHECK is a boolean
   * expression over the contract's columns, and options are known modes.
   *
   * @throws TidewaterException of kind USER with the position of the offending node
   */
  public static ContractDefinition fromSql(
      SqlCreateContract create, int version, Instant createdAt) {
    if (!create.name.isSimple()) {
      throw Positions.userError(
          create.name, "a contract name is one identifier, not %s", create.name);
    }
    if (create.columns.isEmpty()) {
      throw Positions.userError(create, "contract '%s' needs at least one column", create.name);
    }
    List<Column> columns = new ArrayList<>();
    Map<String, String> byLowerCase = new HashMap<>();
    for (SqlNode node : create.columns) {
      SqlContractColumn column = (SqlContractColumn) node;
      String columnName = column.name.getSimple();
      String previous = byLowerCase.putIfAbsent(columnName.toLowerCase(Locale.ROOT), columnName);
      if (previous != null) {
        throw Positions.userError(
            column.name,
            "column '%s' is defined twice (as '%s' before; names are case-insensitive)",
            columnName,
            previous);
      }
      ContractTypes.MappedType type = ContractTypes.map(column.type);
      String check = column.check == null ? null : TidewaterSqlParser.toSql(column.check);
      columns.add(
          new Column(
              columnName, type.sqlType(), type.type(), type.maxLength(), column.notNull, check));
    }
    List<List<String>> uniqueKeys = uniqueKeys(create.uniqueKeys, columns);
    Modes modes = modes(create.options);
    ContractDefinition contract =
        new ContractDefinition(
            create.name.getSimple(),
            version,
            columns,
            uniqueKeys,
            create.checks.stream().map(TidewaterSqlParser::toSql).toList(),
            modes,
            createdAt);
    // Compile each CHECK once now, so that a bad expression fails CREATE, not a load.
    Schema schema = contract.arrowSchema();
    for (SqlNode node : create.columns) {
      SqlContractColumn column = (SqlContractColumn) node;
      if (column.check != null) {
        PredicateCompiler.compile(column.check, schema);
      }
    }
    for (SqlNode check : create.checks) {
      PredicateCompiler.compile(check, schema);
    }
    return contract;
  }

  private static List<List<String>> uniqueKeys(SqlNodeList keys, List<Column> columns) {
    List<List<String>> uniqueKeys = new ArrayList<>();
    Set<Set<String>> seen = new HashSet<>();
    for (SqlNode key : keys) {
      List<String> names = new ArrayList<>();
      for (SqlNode node : (SqlNodeList) key) {
        SqlIdentifier identifier = (SqlIdentifier) node;
        String wanted = identifier.getSimple();
        Column column =
            columns.stream()
                .filter(c -> c.name().equals(wanted))
                .findFirst()
                .or(
                    () ->
                        columns.stream().filter(c -> c.name().equalsIgnoreCase(wanted)).findFirst())
                .orElseThrow(
                    () ->
                        Positions.userError(
                            identifier,
                            "UNIQUE: unknown column '%s'; the columns are %s",
                            wanted,
                            columns.stream().map(Column::name).collect(Collectors.joining(", "))));
        if (names.contains(column.name())) {
          throw Positions.userError(
              identifier, "UNIQUE: column '%s' is listed twice", column.name());
        }
        names.add(column.name());
      }
      if (!seen.add(Set.copyOf(names))) {
        throw Positions.userError(key, "UNIQUE (%s) is declared twice", String.join(", ", names));
      }
      uniqueKeys.add(names);
    }
    return uniqueKeys;
  }

  private static Modes modes(SqlNodeList options) {
    Map<String, EvolutionMode> modes = new HashMap<>();
    for (SqlNode node : options) {
      SqlOption option = (SqlOption) node;
      String key = option.keyName();
      if (!key.equals(TABLES) && !key.equals(COLUMNS) && !key.equals(DATA_TYPE)) {
        throw Positions.userError(
            option.key,
            "unknown contract option '%s'; the options are %s, %s and %s",
            key,
            TABLES,
            COLUMNS,
            DATA_TYPE);
      }
      String value = option.valueText();
      EvolutionMode mode =
          EvolutionMode.parse(value)
              .orElseThrow(
                  () ->
                      Positions.userError(
                          option.value,
                          "%s = '%s': the modes are %s",
                          key,
                          value,
                          EvolutionMode.names()));
      if (modes.putIfAbsent(key, mode) != null) {
        throw Positions.userError(option.key, "option '%s' is set twice", key);
      }
    }
    return new Modes(
        modes.getOrDefault(TABLES, EvolutionMode.EVOLVE),
        modes.getOrDefault(COLUMNS, EvolutionMode.EVOLVE),
        modes.getOrDefault(DATA_TYPE, EvolutionMode.EVOLVE));
  }
}
