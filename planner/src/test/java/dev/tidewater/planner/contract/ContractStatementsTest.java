package dev.tidewater.planner.contract;

import static dev.tidewater.planner.contract.ContractBatches.list;
import static dev.tidewater.planner.contract.ContractBatches.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.parser.TidewaterSqlParser;
import dev.tidewater.parser.ast.SqlDescribe;
import dev.tidewater.parser.ast.SqlDropContract;
import dev.tidewater.planner.metadata.ContractUse;
import dev.tidewater.planner.metadata.MetadataStore;
import dev.tidewater.planner.metadata.StoredContract;
import dev.tidewater.planner.result.Rows;
import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.SqlPosition;
import dev.tidewater.spi.TidewaterException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContractStatementsTest {
  private static final String ORDERS =
      """
      CREATE CONTRACT orders (
        id BIGINT NOT NULL,
        amount DECIMAL(12, 2) CHECK (amount >= 0),
        "Release Date" DATE,
        UNIQUE (id),
        CHECK (id > 0 OR amount IS NULL)
      ) WITH (data_type = 'freeze')""";

  @TempDir Path dataDir;
  private MetadataStore store;
  private ContractStatements statements;
  private final BufferAllocator allocator = new RootAllocator();

  @BeforeEach
  void open() {
    store = MetadataStore.openSqlite(dataDir);
    statements = new ContractStatements(store);
  }

  @AfterEach
  void close() {
    store.close();
    allocator.close();
  }

  @Test
  void storesTheCanonicalSqlAndParsesItBack() {
    statements.create(parse(ORDERS));
    StoredContract stored = store.contract("orders").orElseThrow();
    assertThat(stored.version()).isEqualTo(1);
    assertThat(stored.definitionSql())
        .isEqualTo(
            "CREATE CONTRACT \"orders\" (\"id\" BIGINT NOT NULL, \"amount\" DECIMAL(12, 2) CHECK"
                + " (\"amount\" >= 0), \"Release Date\" DATE, UNIQUE (\"id\"), CHECK (\"id\" > 0"
                + " OR \"amount\" IS NULL)) WITH (\"data_type\" = 'freeze')");
    ContractDefinition contract = statements.resolve(identifier("orders"));
    assertThat(contract).isEqualTo(ContractStatements.parse(stored));
    assertThat(contract.createdAt()).isEqualTo(stored.createdAt());
    assertThat(contract.modes().dataType()).isEqualTo(EvolutionMode.FREEZE);
    assertThat(contract.columns()).hasSize(3);
  }

  @Test
  void createOrReplaceAddsAVersionAndKeepsTheOldOnes() {
    statements.create(parse(ORDERS));
    assertThatThrownBy(() -> statements.create(parse(ORDERS)))
        .isInstanceOf(TidewaterException.class)
        .hasMessageContaining("contract 'orders' already exists (use CREATE OR REPLACE CONTRACT)");
    statements.create(parse(ORDERS.replace("CREATE CONTRACT", "CREATE CONTRACT IF NOT EXISTS")));
    assertThat(store.contract("orders").orElseThrow().version()).isEqualTo(1);

    statements.create(
        parse(
            "CREATE OR REPLACE CONTRACT orders (id BIGINT NOT NULL, note VARCHAR(10))"
                + " WITH (columns = 'freeze')"));
    ContractDefinition latest = statements.resolve(identifier("orders"));
    assertThat(latest.version()).isEqualTo(2);
    assertThat(latest.columns())
        .extracting(ContractDefinition.Column::name)
        .containsExactly("id", "note");
    assertThat(store.contract("orders", 1).orElseThrow().definitionSql()).contains("amount");
    assertThat(store.contracts()).extracting(StoredContract::version).containsExactly(2);
  }

  @Test
  void anInvalidReplacementKeepsTheCurrentVersion() {
    statements.create(parse(ORDERS));
    assertThatThrownBy(
            () ->
                statements.create(
                    parse("CREATE OR REPLACE CONTRACT orders (id BIGINT CHECK (nope > 1))")))
        .hasMessageContaining("Unknown column 'nope'");
    assertThat(store.contract("orders").orElseThrow().version()).isEqualTo(1);
  }

  @Test
  void dropRemovesEveryVersion() {
    statements.create(parse(ORDERS));
    statements.create(parse(ORDERS.replace("CREATE CONTRACT", "CREATE OR REPLACE CONTRACT")));
    statements.drop(drop("DROP CONTRACT orders"));
    assertThat(store.contract("orders")).isEmpty();
    assertThat(store.contract("orders", 1)).isEmpty();
    statements.drop(drop("DROP CONTRACT IF EXISTS orders"));
    assertThatThrownBy(() -> statements.drop(drop("DROP CONTRACT orders")))
        .isInstanceOfSatisfying(
            TidewaterException.class,
            e -> assertThat(e.position()).contains(new SqlPosition(1, 15)))
        .hasMessageContaining("unknown contract 'orders'");
    // a new contract of the same name starts again at version 1
    statements.create(parse(ORDERS));
    assertThat(store.contract("orders").orElseThrow().version()).isEqualTo(1);
  }

  @Test
  void showListsTheLatestVersions() {
    statements.create(parse(ORDERS));
    statements.create(parse(ORDERS.replace("CREATE CONTRACT", "CREATE OR REPLACE CONTRACT")));
    statements.create(parse("CREATE CONTRACT audit (seen_at TIMESTAMP) WITH (tables = 'freeze')"));
    List<List<Object>> rows = read(statements.show());
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).subList(0, 5))
        .isEqualTo(
            list("audit", 1, 1, 0, "tables = 'freeze', columns = 'evolve', data_type = 'evolve'"));
    assertThat(rows.get(1).subList(0, 5))
        .isEqualTo(
            list("orders", 2, 3, 2, "tables = 'evolve', columns = 'evolve', data_type = 'freeze'"));
    assertThat(rows.get(1).get(5)).isNotNull();
  }

  @Test
  void describeShowsColumnsThenRules() {
    statements.create(parse(ORDERS));
    SqlDescribe describe = (SqlDescribe) parseNode("DESCRIBE CONTRACT orders");
    assertThat(read(statements.describe(describe)))
        .containsExactly(
            list("id", "BIGINT", false, null, null),
            list("amount", "DECIMAL(12, 2)", true, "amount >= 0", null),
            list("Release Date", "DATE", true, null, null),
            list(null, null, null, null, "unique(id)"),
            list(null, null, null, "id > 0 OR amount IS NULL", "check(id > 0 OR amount IS NULL)"));
    SqlDescribe unknown = (SqlDescribe) parseNode("DESCRIBE CONTRACT nope");
    assertThatThrownBy(() -> statements.describe(unknown))
        .isInstanceOfSatisfying(
            TidewaterException.class,
            e -> assertThat(e.position()).contains(new SqlPosition(1, 19)))
        .hasMessageContaining("unknown contract 'nope'");
  }

  @Test
  void recordsTheContractALoadUsed() {
    store.putContractUse(new ContractUse("load-1", "orders", 3));
    assertThat(store.contractUse("load-1")).contains(new ContractUse("load-1", "orders", 3));
    assertThat(store.contractUse("load-2")).isEmpty();
  }

  @Test
  void storedVersionsAreUnique() {
    store.putContract("x", 1, "CREATE CONTRACT \"x\" (\"a\" BIGINT)", Instant.now());
    assertThatThrownBy(
            () -> store.putContract("x", 1, "CREATE CONTRACT \"x\" (\"a\" BIGINT)", Instant.now()))
        .hasMessageContaining("contract 'x' version 1 already exists");
  }

  @Test
  void storageSurvivesReopening() {
    statements.create(parse(ORDERS));
    store.close();
    store = MetadataStore.openSqlite(dataDir);
    assertThat(new ContractStatements(store).resolve(identifier("orders")).uniqueKeys())
        .containsExactly(List.of("id"));
  }

  private static SqlIdentifier identifier(String name) {
    return new SqlIdentifier(name, SqlParserPos.ZERO);
  }

  private static SqlDropContract drop(String sql) {
    return (SqlDropContract) parseNode(sql);
  }

  private static SqlNode parseNode(String sql) {
    try {
      return TidewaterSqlParser.parseStatement(sql);
    } catch (SqlParseException e) {
      throw new AssertionError(e);
    }
  }

  private List<List<Object>> read(Rows rows) {
    List<List<Object>> result = new ArrayList<>();
    try (BatchReader reader = rows.reader(allocator)) {
      while (reader.next()) {
        VectorSchemaRoot root = reader.root();
        for (int row = 0; row < root.getRowCount(); row++) {
          List<Object> values = new ArrayList<>();
          for (FieldVector vector : root.getFieldVectors()) {
            Object value = vector.getObject(row);
            values.add(
                value == null || value instanceof Integer || value instanceof Boolean
                    ? value
                    : value.toString());
          }
          result.add(values);
        }
      }
    }
    return result;
  }
}
