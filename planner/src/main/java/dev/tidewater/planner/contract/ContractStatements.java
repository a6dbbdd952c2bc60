package dev.tidewater.planner.contract;

import static java.util.Objects.requireNonNull;

import dev.tidewater.parser.TidewaterSqlParser;
import dev.tidewater.parser.ast.SqlCreateContract;
import dev.tidewater.parser.ast.SqlDescribe;
import dev.tidewater.parser.ast.SqlDropContract;
import dev.tidewater.planner.ExecutionResult;
import dev.tidewater.planner.Positions;
import dev.tidewater.planner.metadata.MetadataStore;
import dev.tidewater.planner.metadata.StoredContract;
import dev.tidewater.planner.result.Rows;
import dev.tidewater.spi.TidewaterException;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * Runs {@code CREATE CONTRACT}, {@code DROP CONTRACT}, {@code SHOW CONTRACTS} and {@code DESCRIBE
 * CONTRACT} against the metadata store, and resolves the contract a {@code LOAD} names.
 */
public final class ContractStatements {
  /** The columns of {@code SHOW CONTRACTS}. */
  public static final org.apache.arrow.vector.types.pojo.Schema SHOW_SCHEMA =
      new org.apache.arrow.vector.types.pojo.Schema(
          List.of(
              Rows.varchar("contract_name"),
              Rows.integer("version"),
              Rows.integer("columns"),
              Rows.integer("checks"),
              Rows.varchar("modes"),
              Rows.timestamp("created_at")));

  /**
   * The columns of {@code DESCRIBE CONTRACT}: one row per column, then one per UNIQUE key and table
   * CHECK (with {@code column_name} null and the {@code rule} set).
   */
  public static final org.apache.arrow.vector.types.pojo.Schema DESCRIBE_SCHEMA =
      new org.apache.arrow.vector.types.pojo.Schema(
          List.of(
              Rows.varchar("column_name"),
              Rows.varchar("data_type"),
              Rows.bool("nullable"),
              Rows.varchar("check"),
              Rows.varchar("rule")));

  private final MetadataStore store;

  public ContractStatements(MetadataStore store) {
    this.store = requireNonNull(store, "store is null");
  }

  /**
   * {@code CREATE [OR REPLACE] CONTRACT [IF NOT EXISTS]}: checks the definition and stores it as
   * version 1, or as the next version when it replaces one.
   */
  public ExecutionResult create(SqlCreateContract create) {
    if (!create.name.isSimple()) {
      throw Positions.userError(
          create.name, "a contract name is one identifier, not %s", create.name);
    }
    String name = create.name.getSimple();
    Optional<StoredContract> existing = store.contract(name);
    if (existing.isPresent() && create.ifNotExists) {
      return ExecutionResult.update(0);
    }
    if (existing.isPresent() && !create.replace) {
      throw Positions.userError(
          create.name, "contract '%s' already exists (use CREATE OR REPLACE CONTRACT)", name);
    }
    int version = existing.map(stored -> stored.version() + 1).orElse(1);
    ContractDefinition contract = ContractDefinition.fromSql(create, version);
    store.putContract(name, version, canonicalSql(create), contract.createdAt());
    return ExecutionResult.update(0);
  }

  /** {@code DROP CONTRACT [IF EXISTS]}: removes every version. */
  public ExecutionResult drop(SqlDropContract drop) {
    String name = drop.name.toString();
    if (!(drop.name.isSimple() && store.dropContract(drop.name.getSimple())) && !drop.ifExists) {
      throw Positions.userError(drop.name, "unknown contract '%s'", name);
    }
    return ExecutionResult.update(0);
  }

  /** {@code SHOW CONTRACTS}: the latest version of each, by name. */
  public Rows show() {
    Rows rows = Rows.of(SHOW_SCHEMA);
    for (StoredContract stored : store.contracts()) {
      ContractDefinition contract = parse(stored);
      long columnChecks =
          contract.columns().stream().filter(column -> column.check() != null).count();
      rows.add(
          contract.name(),
          contract.version(),
          contract.columns().size(),
          (int) columnChecks + contract.checks().size(),
          contract.modes().describe(),
          contract.createdAt());
    }
    return rows;
  }

  /** {@code DESCRIBE CONTRACT name}: the latest version's columns and rules. */
  public Rows describe(SqlDescribe describe) {
    ContractDefinition contract = resolve(describe.name);
    Rows rows = Rows.of(DESCRIBE_SCHEMA);
    for (ContractDefinition.Column column : contract.columns()) {
      rows.add(
          column.name(),
          column.sqlType(),
          !column.notNull(),
          column.check() == null ? null : SqlText.display(column.check()),
          null);
    }
    for (List<String> key : contract.uniqueKeys()) {
      rows.add(null, null, null, null, Rules.unique(key));
    }
    for (String check : contract.checks()) {
      String text = SqlText.display(check);
      rows.add(null, null, null, text, Rules.check(text));
    }
    return rows;
  }

  /** The latest version of the contract a statement names; a user error at the name if none. */
  public ContractDefinition resolve(SqlIdentifier name) {
    Optional<StoredContract> stored =
        name.isSimple() ? store.contract(name.getSimple()) : Optional.empty();
    return parse(
        stored.orElseThrow(() -> Positions.userError(name, "unknown contract '%s'", name)));
  }

  /** A stored version, parsed and checked again. */
  public static ContractDefinition parse(StoredContract stored) {
    SqlNode node;
    try {
      node = TidewaterSqlParser.parseStatement(stored.definitionSql());
    } catch (SqlParseException e) {
      throw TidewaterException.internal(
          e, "stored contract '%s' does not parse: %s", stored.name(), e.getMessage());
    }
    if (!(node instanceof SqlCreateContract create)) {
      throw TidewaterException.internal(
          null, "stored contract '%s' is not a CREATE CONTRACT statement", stored.name());
    }
    return ContractDefinition.fromSql(create, stored.version(), stored.createdAt());
  }

  /** The statement as stored: canonical text, without OR REPLACE and IF NOT EXISTS. */
  static String canonicalSql(SqlCreateContract create) {
    return TidewaterSqlParser.toSql(
        new SqlCreateContract(
            SqlParserPos.ZERO,
            false,
            false,
            create.name,
            create.columns,
            create.uniqueKeys,
            create.checks,
            create.options));
  }
}
