package dev.tidewater.parser;

import static dev.tidewater.parser.Parsing.name;
import static dev.tidewater.parser.Parsing.parse;
import static dev.tidewater.parser.Parsing.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.parser.ast.SqlContractColumn;
import dev.tidewater.parser.ast.SqlCreateContract;
import dev.tidewater.parser.ast.SqlCreateNamespace;
import dev.tidewater.parser.ast.SqlCreateSource;
import dev.tidewater.parser.ast.SqlDescribe;
import dev.tidewater.parser.ast.SqlDescribe.DescribeKind;
import dev.tidewater.parser.ast.SqlDropBranch;
import dev.tidewater.parser.ast.SqlDropContract;
import dev.tidewater.parser.ast.SqlDropSource;
import dev.tidewater.parser.ast.SqlDropTable;
import dev.tidewater.parser.ast.SqlOptions;
import dev.tidewater.parser.ast.SqlPublishBranch;
import dev.tidewater.parser.ast.SqlRollbackLoad;
import dev.tidewater.parser.ast.SqlShow;
import dev.tidewater.parser.ast.SqlShow.ShowKind;
import java.util.Map;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.parser.SqlParseException;
import org.junit.jupiter.api.Test;

/** Every statement other than LOAD: sources, contracts, namespaces, tables, branches, SHOW... */
class StatementTest {

  @Test
  void createSource() {
    SqlCreateSource create =
        parse(
            """
            CREATE SOURCE landing TYPE FILES WITH (
                location = '/data/landing/*.csv', format = 'csv',
                header = true, delimiter = ',', quote = '"', null_value = '')
            """,
            SqlCreateSource.class);

    assertThat(create.replace).isFalse();
    assertThat(create.ifNotExists).isFalse();
    assertThat(name(create.name)).isEqualTo("landing");
    assertThat(name(create.type)).isEqualTo("files");
    assertThat(SqlOptions.toMap(create.options))
        .containsExactly(
            Map.entry("location", "/data/landing/*.csv"),
            Map.entry("format", "csv"),
            Map.entry("header", "true"),
            Map.entry("delimiter", ","),
            Map.entry("quote", "\""),
            Map.entry("null_value", ""));
  }

  @Test
  void createOrReplaceSourceIfNotExists() {
    SqlCreateSource create =
        parse(
            "CREATE OR REPLACE SOURCE IF NOT EXISTS shop_db TYPE JDBC WITH ("
                + "url = 'jdbc:postgresql://db:5432/shop', user = 'etl',"
                + " password = '${env:SHOP_DB_PASSWORD}')",
            SqlCreateSource.class);

    assertThat(create.replace).isTrue();
    assertThat(create.getReplace()).isTrue();
    assertThat(create.ifNotExists).isTrue();
    assertThat(name(create.type)).isEqualTo("jdbc");
    assertThat(SqlOptions.toMap(create.options))
        .containsEntry("password", "${env:SHOP_DB_PASSWORD}");
  }

  @Test
  void sourceNamedIfIsStillASourceName() {
    SqlCreateSource create = parse("CREATE SOURCE if TYPE http WITH ()", SqlCreateSource.class);

    assertThat(create.ifNotExists).isFalse();
    assertThat(name(create.name)).isEqualTo("if");
    assertThat(create.options).isEmpty();
  }

  @Test
  void dropSource() {
    SqlDropSource plain = parse("DROP SOURCE shop_db", SqlDropSource.class);
    SqlDropSource ifExists = parse("DROP SOURCE IF EXISTS shop_db", SqlDropSource.class);

    assertThat(plain.ifExists).isFalse();
    assertThat(name(plain.name)).isEqualTo("shop_db");
    assertThat(ifExists.ifExists).isTrue();
  }

  @Test
  void createContract() {
    SqlCreateContract create =
        parse(
            """
            CREATE CONTRACT orders_v1 (
              id         BIGINT NOT NULL,
              amount     DECIMAL(12,2) CHECK (amount >= 0),
              status     VARCHAR CHECK (status IN ('new', 'paid', 'void')),
              updated_at TIMESTAMP WITH LOCAL TIME ZONE NOT NULL,
              UNIQUE (id),
              CHECK (amount < 1000000 OR status = 'void')
            ) WITH (columns = 'evolve', data_type = 'freeze')
            """,
            SqlCreateContract.class);

    assertThat(name(create.name)).isEqualTo("orders_v1");
    assertThat(create.columns).hasSize(4);
    SqlContractColumn id = (SqlContractColumn) create.columns.get(0);
    assertThat(name(id.name)).isEqualTo("id");
    assertThat(id.type.getTypeName().getSimple()).isEqualTo("BIGINT");
    assertThat(id.notNull).isTrue();
    assertThat(id.check).isNull();
    SqlContractColumn amount = (SqlContractColumn) create.columns.get(1);
    assertThat(amount.notNull).isFalse();
    assertThat(amount.check.getKind()).isEqualTo(SqlKind.GREATER_THAN_OR_EQUAL);
    SqlContractColumn updatedAt = (SqlContractColumn) create.columns.get(3);
    assertThat(updatedAt.type.getTypeName().getSimple())
        .isEqualTo("TIMESTAMP_WITH_LOCAL_TIME_ZONE");
    assertThat(create.uniqueKeys).hasSize(1);
    assertThat(((SqlNodeList) create.uniqueKeys.get(0)).getList())
        .map(Parsing::name)
        .containsExactly("id");
    assertThat(create.checks).hasSize(1);
    assertThat(create.checks.get(0).getKind()).isEqualTo(SqlKind.OR);
    assertThat(SqlOptions.toMap(create.options))
        .containsExactly(Map.entry("columns", "evolve"), Map.entry("data_type", "freeze"));
  }

  @Test
  void createOrReplaceContractWithoutOptions() {
    SqlCreateContract create =
        parse(
            "CREATE OR REPLACE CONTRACT IF NOT EXISTS c (a INT, b VARCHAR(10) NOT NULL)",
            SqlCreateContract.class);

    assertThat(create.replace).isTrue();
    assertThat(create.ifNotExists).isTrue();
    assertThat(create.columns).hasSize(2);
    assertThat(create.uniqueKeys).isEmpty();
    assertThat(create.checks).isEmpty();
    assertThat(create.options).isEmpty();
  }

  @Test
  void dropContract() {
    SqlDropContract drop = parse("DROP CONTRACT IF EXISTS orders_v1", SqlDropContract.class);

    assertThat(drop.ifExists).isTrue();
    assertThat(name(drop.name)).isEqualTo("orders_v1");
  }

  @Test
  void createNamespace() {
    SqlCreateNamespace plain = parse("CREATE NAMESPACE sales", SqlCreateNamespace.class);
    SqlCreateNamespace qualified =
        parse("CREATE NAMESPACE IF NOT EXISTS lake.sales", SqlCreateNamespace.class);

    assertThat(plain.ifNotExists).isFalse();
    assertThat(name(plain.name)).isEqualTo("sales");
    assertThat(qualified.ifNotExists).isTrue();
    assertThat(name(qualified.name)).isEqualTo("lake.sales");
  }

  @Test
  void createOrReplaceNamespaceIsAnErrorAtTheCreateKeyword() {
    assertThatThrownBy(
            () -> TidewaterSqlParser.parseStatements("SELECT 1;\n  CREATE OR REPLACE NAMESPACE x"))
        .isInstanceOf(SqlParseException.class)
        .hasMessage("OR REPLACE is not allowed with CREATE NAMESPACE")
        .satisfies(
            e -> {
              SqlParseException parseException = (SqlParseException) e;
              assertThat(parseException.getPos().getLineNum()).isEqualTo(2);
              assertThat(parseException.getPos().getColumnNum()).isEqualTo(3);
            });
  }

  @Test
  void dropTable() {
    SqlDropTable plain = parse("DROP TABLE iceberg.sales.orders", SqlDropTable.class);
    SqlDropTable purge = parse("DROP TABLE IF EXISTS sales.orders PURGE", SqlDropTable.class);

    assertThat(plain.ifExists).isFalse();
    assertThat(plain.purge).isFalse();
    assertThat(name(plain.name)).isEqualTo("iceberg.sales.orders");
    assertThat(purge.ifExists).isTrue();
    assertThat(purge.purge).isTrue();
  }

  @Test
  void publishAndDropBranch() {
    SqlPublishBranch publish =
        parse("PUBLISH BRANCH 'audit' OF iceberg.sales.orders", SqlPublishBranch.class);
    SqlDropBranch drop = parse("DROP BRANCH 'audit' OF sales.orders", SqlDropBranch.class);

    assertThat(text(publish.branch)).isEqualTo("audit");
    assertThat(name(publish.table)).isEqualTo("iceberg.sales.orders");
    assertThat(text(drop.branch)).isEqualTo("audit");
    assertThat(name(drop.table)).isEqualTo("sales.orders");
    assertThat(publish.options).isEmpty();
    SqlPublishBranch cherryPick =
        parse(
            "PUBLISH BRANCH 'audit' OF sales.orders WITH (mode = 'cherry-pick')",
            SqlPublishBranch.class);
    assertThat(cherryPick.options).hasSize(1);
    assertThat(cherryPick.toString()).contains("WITH (").contains("cherry-pick");
  }

  @Test
  void showBranches() {
    SqlShow branches = parse("SHOW BRANCHES OF lake.sales.orders", SqlShow.class);

    assertThat(branches.kind).isEqualTo(ShowKind.BRANCHES);
    assertThat(name(branches.scope)).isEqualTo("lake.sales.orders");
    assertThat(branches.toString()).contains("SHOW BRANCHES OF");
  }

  @Test
  void rollbackLoad() {
    SqlRollbackLoad rollback =
        parse("ROLLBACK LOAD '5f0c6f8e-1d2a-4a4b-9a57-0c1f3f1d2e77'", SqlRollbackLoad.class);

    assertThat(text(rollback.loadId)).isEqualTo("5f0c6f8e-1d2a-4a4b-9a57-0c1f3f1d2e77");
  }

  @Test
  void showWithoutScope() {
    assertThat(parse("SHOW SOURCES", SqlShow.class).kind).isEqualTo(ShowKind.SOURCES);
    assertThat(parse("SHOW CONTRACTS", SqlShow.class).kind).isEqualTo(ShowKind.CONTRACTS);
    assertThat(parse("SHOW CATALOGS", SqlShow.class).kind).isEqualTo(ShowKind.CATALOGS);
    assertThat(parse("show namespaces", SqlShow.class).kind).isEqualTo(ShowKind.NAMESPACES);
    assertThat(parse("SHOW TABLES", SqlShow.class).scope).isNull();
    assertThat(parse("SHOW LOADS", SqlShow.class).scope).isNull();
  }

  @Test
  void showWithScope() {
    SqlShow namespaces = parse("SHOW NAMESPACES IN lake", SqlShow.class);
    SqlShow tables = parse("SHOW TABLES IN lake.sales", SqlShow.class);
    SqlShow loads = parse("SHOW LOADS FOR sales.orders", SqlShow.class);

    assertThat(name(namespaces.scope)).isEqualTo("lake");
    assertThat(tables.kind).isEqualTo(ShowKind.TABLES);
    assertThat(name(tables.scope)).isEqualTo("lake.sales");
    assertThat(loads.kind).isEqualTo(ShowKind.LOADS);
    assertThat(name(loads.scope)).isEqualTo("sales.orders");
  }

  @Test
  void describe() {
    SqlDescribe source = parse("DESCRIBE SOURCE shop_db", SqlDescribe.class);
    SqlDescribe contract = parse("DESCRIBE CONTRACT orders_v1", SqlDescribe.class);
    SqlDescribe table = parse("DESCRIBE TABLE iceberg.sales.orders", SqlDescribe.class);
    SqlDescribe bare = parse("DESCRIBE sales.orders", SqlDescribe.class);
    SqlDescribe sourceTable = parse("DESCRIBE SOURCE shop_db.public.orders", SqlDescribe.class);

    assertThat(source.kind).isEqualTo(DescribeKind.SOURCE);
    assertThat(name(source.name)).isEqualTo("shop_db");
    assertThat(contract.kind).isEqualTo(DescribeKind.CONTRACT);
    assertThat(table.kind).isEqualTo(DescribeKind.TABLE);
    assertThat(name(table.name)).isEqualTo("iceberg.sales.orders");
    assertThat(bare.kind).isEqualTo(DescribeKind.TABLE);
    assertThat(name(bare.name)).isEqualTo("sales.orders");
    assertThat(sourceTable.kind).isEqualTo(DescribeKind.SOURCE);
    assertThat(name(sourceTable.name)).isEqualTo("shop_db.public.orders");
  }

  @Test
  void describeOfATableCalledSource() {
    SqlDescribe single = parse("DESCRIBE source", SqlDescribe.class);
    SqlDescribe qualified = parse("DESCRIBE source.orders", SqlDescribe.class);

    assertThat(single.kind).isEqualTo(DescribeKind.TABLE);
    assertThat(name(single.name)).isEqualTo("source");
    assertThat(qualified.kind).isEqualTo(DescribeKind.TABLE);
    assertThat(name(qualified.name)).isEqualTo("source.orders");
  }
}
