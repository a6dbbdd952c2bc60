package dev.tidewater.planner.contract;

import static dev.tidewater.planner.contract.ContractBatches.batch;
import static dev.tidewater.planner.contract.ContractBatches.bigint;
import static dev.tidewater.planner.contract.ContractBatches.contract;
import static dev.tidewater.planner.contract.ContractBatches.date;
import static dev.tidewater.planner.contract.ContractBatches.decimal;
import static dev.tidewater.planner.contract.ContractBatches.float8;
import static dev.tidewater.planner.contract.ContractBatches.integer;
import static dev.tidewater.planner.contract.ContractBatches.row;
import static dev.tidewater.planner.contract.ContractBatches.schema;
import static dev.tidewater.planner.contract.ContractBatches.values;
import static dev.tidewater.planner.contract.ContractBatches.varchar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.planner.contract.Violation.Severity;
import dev.tidewater.spi.TidewaterException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ContractValidatorTest {
  private static final String ORDERS =
      """
      CREATE CONTRACT orders (
        id BIGINT NOT NULL,
        amount DECIMAL(12, 2) CHECK (amount >= 0),
        status VARCHAR CHECK (status IN ('new', 'paid', 'void')),
        "Release Date" DATE,
        UNIQUE (id),
        CHECK (amount < 1000 OR status = 'void')
      )""";
  private static final Schema TYPED =
      schema(bigint("id"), decimal("amount", 12, 2), varchar("status"), date("Release Date"));

  private final BufferAllocator allocator = new RootAllocator();

  @AfterEach
  void close() {
    assertThat(allocator.getAllocatedMemory()).isZero();
    allocator.close();
  }

  private ValidatedBatch validate(ContractValidator validator, Schema schema, Object[]... rows) {
    return validator.validate(batch(allocator, schema, rows), allocator, ContractBatches::position);
  }

  @Test
  void acceptsAValidBatchWithoutCopying() {
    ContractValidator validator = new ContractValidator(contract(ORDERS), TYPED);
    VectorSchemaRoot batch =
        batch(
            allocator,
            TYPED,
            row(1L, "10.50", "new", LocalDate.of(2024, 1, 2)),
            row(2L, null, null, null),
            row(3L, "2000.00", "void", null));
    ValidatedBatch result = validator.validate(batch, allocator, ContractBatches::position);
    try (VectorSchemaRoot accepted = result.accepted()) {
      assertThat(accepted).isSameAs(batch);
      assertThat(result.violations()).isEmpty();
      assertThat(validator.outputSchema()).isEqualTo(TYPED);
    }
  }

  @Test
  void rejectsEachBrokenRuleOnce() {
    ContractValidator validator = new ContractValidator(contract(ORDERS), TYPED);
    ValidatedBatch result =
        validate(
            validator,
            TYPED,
            row(1L, "10.50", "new", LocalDate.of(2024, 1, 2)), // ok
            row(null, "1.00", "paid", null), // not_null(id)
            row(3L, "-5.00", "new", null), // check(amount >= 0)
            row(4L, "5.00", "lost", null), // check(status IN ...)
            row(5L, "5000.00", "paid", null), // table check
            row(1L, "1.00", "new", null), // unique(id): row 0 had id 1
            row(6L, null, null, null), // UNKNOWN passes
            row(null, "-1.00", "gone", null)); // three rules at once
    try (VectorSchemaRoot accepted = result.accepted()) {
      assertThat(accepted.getRowCount()).isEqualTo(2);
      assertThat(values(accepted, "id")).containsExactly(1L, 6L);
      assertThat(values(accepted, "Release Date")).containsExactly(LocalDate.of(2024, 1, 2), null);
    }
    assertThat(result.violations())
        .extracting(Violation::row, Violation::position, Violation::rule, Violation::severity)
        .containsExactly(
            tuple(1, "batch.csv:3", "not_null(id)", Severity.ERROR),
            tuple(2, "batch.csv:4", "check(amount >= 0)", Severity.ERROR),
            tuple(3, "batch.csv:5", "check(status IN ('new', 'paid', 'void'))", Severity.ERROR),
            tuple(4, "batch.csv:6", "check(amount < 1000 OR status = 'void')", Severity.ERROR),
            tuple(5, "batch.csv:7", "unique(id)", Severity.ERROR),
            tuple(7, "batch.csv:9", "not_null(id)", Severity.ERROR));
    assertThat(result.violations().get(4).reason())
        .isEqualTo("duplicate key (id) = (1) within this load");
    assertThat(result.violations().get(5).reason())
        .isEqualTo(
            "id is null; CHECK (amount >= 0) is false; CHECK (status IN ('new', 'paid', 'void'))"
                + " is false");
    assertThat(result.violations().get(2).rowJson())
        .isEqualTo("{\"id\":4,\"amount\":5.00,\"status\":\"lost\",\"Release Date\":null}");
    assertThat(result.errorCount()).isEqualTo(6);
    assertThat(result.rejectedCount() + 2).isEqualTo(8);
  }

  @Test
  void uniqueHoldsAcrossBatches() {
    ContractValidator validator = new ContractValidator(contract(ORDERS), TYPED);
    ValidatedBatch first =
        validate(validator, TYPED, row(1L, null, null, null), row(2L, null, null, null));
    ValidatedBatch second =
        validate(
            validator,
            TYPED,
            row(2L, null, null, null),
            row(3L, null, null, null),
            row(3L, null, null, null));
    first.accepted().close();
    try (VectorSchemaRoot accepted = second.accepted()) {
      assertThat(values(accepted, "id")).containsExactly(3L);
    }
    assertThat(first.violations()).isEmpty();
    assertThat(second.violations()).extracting(Violation::row).containsExactly(0, 2);
  }

  @Test
  void uniqueOverTextIgnoresRowsWithNulls() {
    ContractDefinition contract =
        contract(
            "CREATE CONTRACT c (country VARCHAR, city VARCHAR, n INTEGER, UNIQUE (country, city))");
    Schema schema = schema(varchar("country"), varchar("city"), integer("n"));
    ContractValidator validator = new ContractValidator(contract, schema);
    ValidatedBatch result =
        validate(
            validator,
            schema,
            row("fr", "Paris", 1),
            row("fr", null, 2),
            row("fr", null, 3), // nulls never collide
            row("frP", "aris", 4), // same bytes run together: a different key
            row("fr", "Paris", 5),
            row("a somewhat longer country name", "and a longer city name too", 6),
            row("a somewhat longer country name", "and a longer city name too", 7));
    try (VectorSchemaRoot accepted = result.accepted()) {
      assertThat(values(accepted, "n")).containsExactly(1L, 2L, 3L, 4L, 6L);
    }
    assertThat(result.violations()).extracting(Violation::row).containsExactly(4, 6);
    assertThat(result.violations().get(0).reason())
        .isEqualTo("duplicate key (country, city) = ('fr', 'Paris') within this load");
  }

  @Test
  void aRowRejectedByOneUniqueKeyDoesNotClaimTheOther() {
    ContractDefinition contract =
        contract("CREATE CONTRACT c (a BIGINT, b BIGINT, UNIQUE (a), UNIQUE (b))");
    Schema schema = schema(bigint("a"), bigint("b"));
    ContractValidator validator = new ContractValidator(contract, schema);
    ValidatedBatch result =
        validate(validator, schema, row(1L, 10L), row(2L, 10L), row(2L, 20L), row(3L, 30L));
    try (VectorSchemaRoot accepted = result.accepted()) {
      // row 1 (a = 2) breaks UNIQUE (b), so a = 2 stays free for row 2
      assertThat(values(accepted, "a")).containsExactly(1L, 2L, 3L);
      assertThat(values(accepted, "b")).containsExactly(10L, 20L, 30L);
    }
    assertThat(result.violations())
        .extracting(Violation::row, Violation::rule)
        .containsExactly(tuple(1, "unique(b)"));
  }

  @Test
  void uniqueIsExactAcrossThreads() throws Exception {
    ContractDefinition contract =
        contract("CREATE CONTRACT c (id BIGINT, name VARCHAR, UNIQUE (id), UNIQUE (name))");
    ContractDefinition single =
        contract("CREATE CONTRACT c (id BIGINT, name VARCHAR, UNIQUE (id))");
    Schema schema = schema(bigint("id"), varchar("name"));
    for (ContractDefinition each : List.of(contract, single)) {
      ContractValidator validator = new ContractValidator(each, schema);
      int threads = 4;
      int batches = 20;
      int rows = 1000;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<long[]>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  long accepted = 0;
                  long rejected = 0;
                  for (int b = 0; b < batches; b++) {
                    Object[][] data = new Object[rows][];
                    for (int r = 0; r < rows; r++) {
                      // every thread sends keys 0..9999 in a different order, some twice
                      long id = ((long) (b * rows + r) * (thread + 1) * 7919) % 10_000;
                      data[r] = row(id, "name-" + id);
                    }
                    ValidatedBatch result;
                    try (BufferAllocator child =
                        allocator.newChildAllocator("t" + thread, 0, Long.MAX_VALUE)) {
                      result =
                          validator.validate(
                              batch(child, schema, data), child, ContractBatches::position);
                      accepted += result.accepted().getRowCount();
                      rejected += result.rejectedCount();
                      result.accepted().close();
                    }
                  }
                  return new long[] {accepted, rejected};
                }));
      }
      long accepted = 0;
      long rejected = 0;
      for (Future<long[]> future : futures) {
        long[] counts = future.get();
        accepted += counts[0];
        rejected += counts[1];
      }
      pool.shutdown();
      assertThat(accepted).isEqualTo(10_000);
      assertThat(accepted + rejected).isEqualTo((long) threads * batches * rows);
    }
  }

  @Test
  void castsTextToTheContractsTypes() {
    ContractDefinition contract =
        contract(
            """
            CREATE CONTRACT c (
              id BIGINT, amount DECIMAL(12, 2), ratio DOUBLE, ok BOOLEAN,
              d DATE, at_utc TIMESTAMP WITH LOCAL TIME ZONE, local_at TIMESTAMP, code VARCHAR(3)
            ) WITH (data_type = 'freeze')""");
    Schema schema =
        schema(
            varchar("id"),
            varchar("amount"),
            varchar("ratio"),
            varchar("ok"),
            varchar("d"),
            varchar("at_utc"),
            varchar("local_at"),
            bigint("code"));
    ContractValidator validator = new ContractValidator(contract, schema);
    ValidatedBatch result =
        validate(
            validator,
            schema,
            row(
                " 42 ",
                "12.5",
                "0.1",
                "yes",
                "2024-02-29",
                "2024-01-02T03:04:05Z",
                "2024-01-02 03:04:05.123456",
                123L),
            row(
                "1.0",
                "1e3",
                "-3",
                "F",
                "2024-03-01T00:00:00",
                "2024-01-02T03:04:05+02:00",
                "2024-01-02",
                null),
            row(
                "x",
                "12.345",
                "abc",
                "maybe",
                "2023-02-29",
                "yesterday",
                "2024-01-02T03:04:05.1234567",
                1234L),
            row("9223372036854775808", "99999999999", null, null, null, null, null, null));
    try (VectorSchemaRoot accepted = result.accepted()) {
      assertThat(accepted.getSchema().getFields())
          .extracting(Field::getType)
          .containsExactlyElementsOf(
              contract.arrowSchema().getFields().stream().map(Field::getType).toList());
      assertThat(values(accepted, "id")).containsExactly(42L, 1L);
      assertThat(values(accepted, "amount"))
          .containsExactly(new BigDecimal("12.50"), new BigDecimal("1000.00"));
      assertThat(values(accepted, "ratio")).containsExactly(0.1, -3.0);
      assertThat(values(accepted, "ok")).containsExactly(true, false);
      assertThat(values(accepted, "d"))
          .containsExactly(LocalDate.of(2024, 2, 29), LocalDate.of(2024, 3, 1));
      assertThat(values(accepted, "at_utc"))
          .containsExactly(
              Instant.parse("2024-01-02T03:04:05Z"), Instant.parse("2024-01-02T01:04:05Z"));
      assertThat(values(accepted, "local_at"))
          .containsExactly(
              LocalDateTime.parse("2024-01-02T03:04:05.123456"),
              LocalDateTime.parse("2024-01-02T00:00:00"));
      assertThat(values(accepted, "code")).containsExactly("123", null);
    }
    assertThat(result.violations()).extracting(Violation::row).containsExactly(2, 3);
    Violation messy = result.violations().get(0);
    assertThat(messy.rule()).isEqualTo("type(id BIGINT)");
    assertThat(messy.reason())
        .isEqualTo(
            "id: 'x' (VARCHAR) cannot be converted to BIGINT without loss; amount: '12.345'"
                + " (VARCHAR) cannot be converted to DECIMAL(12, 2) without loss; ratio: 'abc'"
                + " (VARCHAR) cannot be converted to DOUBLE without loss; ok: 'maybe' (VARCHAR)"
                + " cannot be converted to BOOLEAN without loss; d: '2023-02-29' (VARCHAR)"
                + " cannot be converted to DATE without loss; at_utc: 'yesterday' (VARCHAR) cannot be"
                + " converted to TIMESTAMP WITH LOCAL TIME ZONE without loss; local_at:"
                + " '2024-01-02T03:04:05.1234567' (VARCHAR) cannot be converted to TIMESTAMP"
                + " without loss; code: 1234 (BIGINT) cannot be converted to VARCHAR(3) without"
                + " loss");
    assertThat(messy.rowJson()).startsWith("{\"id\":\"x\",\"amount\":\"12.345\",");
    assertThat(result.violations().get(1).rule()).isEqualTo("type(id BIGINT)");
    assertThat(result.violations().get(1).reason()).contains("amount: '99999999999'");
  }

  @Test
  void dataTypeModesDecideWhatALossyCastDoes() {
    Schema schema = schema(varchar("id"), float8("amount"));
    Object[][] rows = {row("1", 1.5), row("2", 1.005), row("x", 2.0), row("4", 1e12)};
    String sql = "CREATE CONTRACT c (id BIGINT, amount DECIMAL(12, 2)) WITH (data_type = '%s')";

    ValidatedBatch freeze =
        validate(new ContractValidator(contract(sql.formatted("freeze")), schema), schema, rows);
    try (VectorSchemaRoot accepted = freeze.accepted()) {
      assertThat(values(accepted, "id")).containsExactly(1L);
    }
    assertThat(freeze.violations())
        .extracting(Violation::row, Violation::rule, Violation::severity)
        .containsExactly(
            tuple(1, "type(amount DECIMAL(12, 2))", Severity.ERROR),
            tuple(2, "type(id BIGINT)", Severity.ERROR),
            tuple(3, "type(amount DECIMAL(12, 2))", Severity.ERROR));

    ValidatedBatch evolve =
        validate(new ContractValidator(contract(sql.formatted("evolve")), schema), schema, rows);
    evolve.accepted().close();
    assertThat(evolve.violations())
        .extracting(Violation::severity)
        .containsOnly(Severity.ERROR)
        .hasSize(3);

    ValidatedBatch discardRow =
        validate(
            new ContractValidator(contract(sql.formatted("discard_row")), schema), schema, rows);
    discardRow.accepted().close();
    assertThat(discardRow.violations())
        .extracting(Violation::row, Violation::severity)
        .containsExactly(
            tuple(1, Severity.DISCARD), tuple(2, Severity.DISCARD), tuple(3, Severity.DISCARD));
    assertThat(discardRow.errorCount()).isZero();

    ValidatedBatch discardValue =
        validate(
            new ContractValidator(contract(sql.formatted("discard_value")), schema), schema, rows);
    try (VectorSchemaRoot accepted = discardValue.accepted()) {
      assertThat(values(accepted, "id")).containsExactly(1L, 2L, null, 4L);
      assertThat(values(accepted, "amount"))
          .containsExactly(new BigDecimal("1.50"), null, new BigDecimal("2.00"), null);
    }
    assertThat(discardValue.violations()).isEmpty();
  }

  @Test
  void aDiscardedValueStillBreaksNotNull() {
    Schema schema = schema(varchar("id"));
    ContractValidator validator =
        new ContractValidator(
            contract("CREATE CONTRACT c (id BIGINT NOT NULL) WITH (data_type = 'discard_value')"),
            schema);
    ValidatedBatch result = validate(validator, schema, row("1"), row("one"));
    try (VectorSchemaRoot accepted = result.accepted()) {
      assertThat(values(accepted, "id")).containsExactly(1L);
    }
    assertThat(result.violations()).extracting(Violation::rule).containsExactly("not_null(id)");
    assertThat(result.violations().get(0).rowJson()).isEqualTo("{\"id\":\"one\"}");
  }

  @Test
  void evolveKeepsAWiderIncomingType() {
    ContractDefinition contract =
        contract("CREATE CONTRACT c (n INTEGER CHECK (n > 0), amount DECIMAL(10, 2), r REAL)");
    Schema schema = schema(bigint("n"), decimal("amount", 14, 2), float8("r"));
    ContractValidator validator = new ContractValidator(contract, schema);
    assertThat(validator.outputSchema()).isEqualTo(schema);
    assertThat(validator.tableSchema()).isEqualTo(schema);
    ValidatedBatch result =
        validate(
            validator, schema, row(5_000_000_000L, "123456789012.34", 0.1), row(-1L, "1", 2.0));
    try (VectorSchemaRoot accepted = result.accepted()) {
      assertThat(values(accepted, "n")).containsExactly(5_000_000_000L);
    }
    assertThat(result.violations()).extracting(Violation::rule).containsExactly("check(n > 0)");

    // Under freeze, the same values are cast to the contract's types, and those too big rejected.
    ContractDefinition frozen =
        contract(
            "CREATE CONTRACT c (n INTEGER CHECK (n > 0), amount DECIMAL(10, 2), r REAL)"
                + " WITH (data_type = 'freeze')");
    ValidatedBatch cast =
        validate(
            new ContractValidator(frozen, schema),
            schema,
            row(5L, "12.34", 0.1),
            row(5_000_000_000L, "1", 2.0));
    try (VectorSchemaRoot accepted = cast.accepted()) {
      assertThat(accepted.getSchema().getFields())
          .extracting(Field::getType)
          .containsExactlyElementsOf(
              frozen.arrowSchema().getFields().stream().map(Field::getType).toList());
      assertThat(values(accepted, "r")).containsExactly(0.1f);
    }
    assertThat(cast.violations()).extracting(Violation::rule).containsExactly("type(n INTEGER)");
  }

  @Test
  void columnsModesDecideWhatAnUnknownColumnDoes() {
    Schema schema = schema(bigint("id"), varchar("Extra Col"));
    Object[][] rows = {row(1L, null), row(2L, "surprise"), row(3L, null)};
    String sql = "CREATE CONTRACT c (id BIGINT) WITH (columns = '%s')";

    ContractValidator evolve = new ContractValidator(contract(sql.formatted("evolve")), schema);
    assertThat(evolve.outputSchema()).isEqualTo(schema);
    assertThat(evolve.tableSchema()).isEqualTo(schema);
    ValidatedBatch kept = validate(evolve, schema, rows);
    try (VectorSchemaRoot accepted = kept.accepted()) {
      assertThat(values(accepted, "Extra Col")).containsExactly(null, "surprise", null);
    }

    ContractValidator freeze = new ContractValidator(contract(sql.formatted("freeze")), schema);
    assertThat(freeze.outputSchema()).isEqualTo(schema(bigint("id")));
    assertThat(freeze.tableSchema()).isEqualTo(schema(bigint("id")));
    ValidatedBatch frozen = validate(freeze, schema, rows);
    try (VectorSchemaRoot accepted = frozen.accepted()) {
      assertThat(accepted.getSchema()).isEqualTo(schema(bigint("id")));
      assertThat(values(accepted, "id")).containsExactly(1L, 3L);
    }
    assertThat(frozen.violations())
        .extracting(Violation::row, Violation::rule, Violation::reason, Violation::severity)
        .containsExactly(
            tuple(
                1,
                "columns_freeze(\"Extra Col\")",
                "column \"Extra Col\" is not in contract c (columns = 'freeze')",
                Severity.ERROR));
    assertThat(frozen.violations().get(0).rowJson())
        .isEqualTo("{\"id\":2,\"Extra Col\":\"surprise\"}");

    ValidatedBatch discardRow =
        validate(
            new ContractValidator(contract(sql.formatted("discard_row")), schema), schema, rows);
    try (VectorSchemaRoot accepted = discardRow.accepted()) {
      assertThat(values(accepted, "id")).containsExactly(1L, 3L);
    }
    assertThat(discardRow.violations())
        .extracting(Violation::rule, Violation::severity)
        .containsExactly(tuple("columns_discard_row(\"Extra Col\")", Severity.DISCARD));

    ValidatedBatch discardValue =
        validate(
            new ContractValidator(contract(sql.formatted("discard_value")), schema), schema, rows);
    try (VectorSchemaRoot accepted = discardValue.accepted()) {
      assertThat(accepted.getSchema()).isEqualTo(schema(bigint("id")));
      assertThat(values(accepted, "id")).containsExactly(1L, 2L, 3L);
    }
    assertThat(discardValue.violations()).isEmpty();
  }

  @Test
  void missingColumnsAreNull() {
    ContractDefinition contract =
        contract(
            "CREATE CONTRACT c (id BIGINT, note VARCHAR CHECK (note <> ''), must DATE NOT NULL)");
    Schema schema = schema(bigint("ID"));
    ContractValidator validator = new ContractValidator(contract, schema);
    assertThat(validator.outputSchema()).isEqualTo(schema);
    assertThat(validator.tableSchema().getFields())
        .extracting(Field::getName, Field::isNullable)
        .containsExactly(tuple("ID", true), tuple("note", true), tuple("must", false));
    ValidatedBatch result = validate(validator, schema, row(1L), row(2L));
    result.accepted().close();
    assertThat(result.violations())
        .extracting(Violation::rule, Violation::reason)
        .containsOnly(tuple("not_null(must)", "must is null (the load has no such column)"))
        .hasSize(2);
  }

  @Test
  void matchesColumnsIgnoringCaseAndQuotesSpacedNames() {
    ContractDefinition contract =
        contract(
            "CREATE CONTRACT c (\"Release Date\" DATE NOT NULL CHECK (\"Release Date\" > DATE '2000-01-01'))");
    Schema schema = schema(varchar("release date"));
    ContractValidator validator = new ContractValidator(contract, schema);
    ValidatedBatch result =
        validate(
            validator,
            schema,
            row("2024-05-01"),
            row("1999-12-31"),
            row((Object) null),
            row("soon"));
    try (VectorSchemaRoot accepted = result.accepted()) {
      assertThat(accepted.getSchema().getFields().get(0).getName()).isEqualTo("release date");
      assertThat(values(accepted, "release date")).containsExactly(LocalDate.of(2024, 5, 1));
    }
    assertThat(result.violations())
        .extracting(Violation::rule)
        .containsExactly(
            "check(\"Release Date\" > DATE '2000-01-01')",
            "not_null(\"Release Date\")",
            "type(\"Release Date\" DATE)");
  }

  @Test
  void varcharLengthIsPartOfTheType() {
    ContractDefinition contract = contract("CREATE CONTRACT c (code VARCHAR(3))");
    Schema schema = schema(varchar("code"));
    ValidatedBatch result =
        validate(
            new ContractValidator(contract, schema),
            schema,
            row("abc"),
            row("äöü"),
            row("abcd"),
            row((Object) null));
    try (VectorSchemaRoot accepted = result.accepted()) {
      assertThat(values(accepted, "code")).containsExactly("abc", "äöü", null);
    }
    assertThat(result.violations())
        .extracting(Violation::rule, Violation::reason)
        .containsExactly(
            tuple(
                "type(code VARCHAR(3))",
                "code: 'abcd' has 4 characters, more than VARCHAR(3) allows"));
  }

  @Test
  void twoLoadColumnsForOneContractColumnIsAnError() {
    assertThatThrownBy(
            () ->
                new ContractValidator(
                    contract("CREATE CONTRACT c (id BIGINT)"), schema(bigint("id"), bigint("ID"))))
        .isInstanceOf(TidewaterException.class)
        .hasMessage("columns 'id' and 'ID' of the load both match column 'id' of contract 'c'");
  }

  @Test
  void tooManyUniqueKeysIsAClearError() {
    Schema schema = schema(bigint("id"));
    ContractValidator validator =
        new ContractValidator(contract("CREATE CONTRACT c (id BIGINT, UNIQUE (id))"), schema, 3);
    validate(validator, schema, row(1L), row(2L), row(2L)).accepted().close();
    assertThatThrownBy(() -> validate(validator, schema, row(3L), row(4L)))
        .isInstanceOf(TidewaterException.class)
        .hasMessageStartingWith("unique(id): this load has more than 3 distinct keys");
  }

  @Test
  void describesItsPlan() {
    Schema schema =
        schema(varchar("id"), decimal("amount", 12, 2), varchar("status"), bigint("extra"));
    ContractValidator validator =
        new ContractValidator(contract(ORDERS + " WITH (columns = 'discard_value')"), schema);
    assertThat(validator.describe())
        .containsExactly(
            "contract orders version 1 (tables = 'evolve', columns = 'discard_value', data_type = 'evolve')",
            "id VARCHAR -> BIGINT (cast without loss)",
            "amount DECIMAL(12, 2)",
            "status VARCHAR",
            "\"Release Date\" DATE (not in the load: null)",
            "extra (not in the contract: dropped, columns = 'discard_value')",
            "check(amount >= 0)",
            "check(status IN ('new', 'paid', 'void'))",
            "check(amount < 1000 OR status = 'void')",
            "unique(id)");
  }

  @Test
  void rowJsonKeepsTheIncomingValues() {
    Schema schema =
        schema(
            bigint("id"),
            float8("x"),
            varchar("t"),
            ContractBatches.bool("b"),
            ContractBatches.timestampTz("at_utc"),
            new Field(
                "n",
                org.apache.arrow.vector.types.pojo.FieldType.nullable(new ArrowType.Int(32, true)),
                null));
    ContractValidator validator =
        new ContractValidator(contract("CREATE CONTRACT c (id BIGINT NOT NULL)"), schema);
    ValidatedBatch result =
        validate(
            validator,
            schema,
            row(null, Double.NaN, "say \"hi\"\n", true, Instant.parse("2024-01-02T03:04:05Z"), 7));
    result.accepted().close();
    assertThat(result.violations().get(0).rowJson())
        .isEqualTo(
            "{\"id\":null,\"x\":\"NaN\",\"t\":\"say \\\"hi\\\"\\n\",\"b\":true,"
                + "\"at_utc\":\"2024-01-02T03:04:05Z\",\"n\":7}");
    assertThat(result.violations().get(0).position()).isEqualTo("batch.csv:2");
  }

  private static org.assertj.core.groups.Tuple tuple(Object... values) {
    return org.assertj.core.groups.Tuple.tuple(values);
  }
}
