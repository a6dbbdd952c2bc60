package dev.tidewater.planner.contract;

import dev.tidewater.planner.contract.CompiledContract.Check;
import dev.tidewater.planner.contract.CompiledContract.Column;
import dev.tidewater.planner.contract.CompiledContract.Extra;
import dev.tidewater.planner.contract.CompiledContract.Feed;
import dev.tidewater.planner.expr.PredicateResult;
import dev.tidewater.planner.result.TypeNames;
import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.TidewaterException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The validate stage of a load that uses a contract: checks every row of each batch against the
 * contract, a whole column at a time, and splits the batch into accepted rows and violations.
 *
 * <p>Built once per load for the schema of the batches it will see (columns matched to the
 * contract's by name, ignoring case); {@link CompiledContract} is that compile step, done once.
 * {@link #validate} is the per-batch evaluation and is safe to call from several threads at once:
 * the UNIQUE keys seen so far ({@link UniqueCheck}) are shared, the rest is per call ({@link
 * BatchProblems} collects each row's broken rules).
 *
 * <p>Per batch, in this order (a row breaking several rules gets one violation naming them all):
 *
 * <ol>
 *   <li>columns the contract lacks, per {@code columns}: {@code evolve} keeps them; {@code freeze}
 *       drops the column and rejects each row that has a value in it (dlt's semantics: a new column
 *       exists only where it has a value); {@code discard_row} drops the column and discards those
 *       rows; {@code discard_value} drops the column;
 *   <li>types: a column whose type differs from the contract's is cast value by value to the
 *       contract's type; a value that cannot be cast without loss (and text longer than VARCHAR(n))
 *       is, per {@code data_type}: a violation ({@code freeze}, {@code evolve}), a discarded row
 *       ({@code discard_row}), or null ({@code discard_value}). Under {@code evolve} a column whose
 *       type is a legal Iceberg widening of the contract's (INTEGER to BIGINT, REAL to DOUBLE,
 *       DECIMAL precision up) keeps its wider type instead;
 *   <li>NOT NULL: a null, or a contract column the batch lacks;
 *   <li>CHECKs, as SQL CHECK constraints: only FALSE rejects, UNKNOWN (NULL) passes;
 *   <li>UNIQUE keys, over the rows still accepted, across every batch of the load; rows with a null
 *       in the key never collide. The first row of a key wins.
 * </ol>
 */
public final class ContractValidator {
  /** The default most distinct keys per UNIQUE constraint that one load may have (~256 MB). */
  public static final long DEFAULT_UNIQUE_KEY_LIMIT = 10_000_000L;

  private final CompiledContract compiled;
  private final ContractDefinition contract;
  private final Schema incomingSchema;
  private final List<Column> columns;
  private final List<Extra> extras;
  private final Schema evaluationSchema;
  private final Schema outputSchema;
  private final Schema tableSchema;
  private final boolean changesColumns;
  private final List<Check> checks;
  private final UniqueCheck unique;

  public ContractValidator(ContractDefinition contract, Schema incomingSchema) {
    this(contract, incomingSchema, DEFAULT_UNIQUE_KEY_LIMIT, List.of());
  }

  public ContractValidator(
      ContractDefinition contract, Schema incomingSchema, long uniqueKeyLimit) {
    this(contract, incomingSchema, uniqueKeyLimit, List.of());
  }

  /**
   * A validator of batches of {@code incomingSchema} (the normalized batches: table column names)
   * against {@code contract}; a load with more than {@code uniqueKeyLimit} distinct keys for one
   * UNIQUE constraint fails with a user error rather than run out of memory. {@code loadKeys} are
   * keys the load itself needs unique (a MERGE's keys without DEDUP BY), checked like the
   * contract's UNIQUE keys: keys whose columns are not all contract columns, or that repeat a
   * contract key, are left to the writer.
   */
  public ContractValidator(
      ContractDefinition contract,
      Schema incomingSchema,
      long uniqueKeyLimit,
      List<List<String>> loadKeys) {
    this.compiled = new CompiledContract(contract, incomingSchema, uniqueKeyLimit, loadKeys);
    this.contract = compiled.contract;
    this.incomingSchema = compiled.incomingSchema;
    this.columns = compiled.columns;
    this.extras = compiled.extras;
    this.evaluationSchema = compiled.evaluationSchema;
    this.outputSchema = compiled.outputSchema;
    this.tableSchema = compiled.tableSchema;
    this.changesColumns = compiled.changesColumns;
    this.checks = compiled.checks;
    this.unique = new UniqueCheck(compiled.uniques);
  }

  public ContractDefinition contract() {
    return contract;
  }

  /**
   * The schema of the accepted batches: the incoming columns minus those the columns mode drops,
   * cast columns with the contract's types. A load that creates its table adds the contract's
   * columns the batches lack.
   */
  public Schema outputSchema() {
    return outputSchema;
  }

  /**
   * The schema of a table this load creates: the contract's columns, in its order and with its
   * types (a column widened under {@code data_type = 'evolve'} with the wider type, named as the
   * load names it), then the load's columns the contract lacks when {@code columns = 'evolve'}.
   */
  public Schema tableSchema() {
    return tableSchema;
  }

  /** What the validator does with each column, for {@code EXPLAIN LOAD}. */
  public List<String> describe() {
    return compiled.describe();
  }

  /**
   * Validates one batch of the incoming schema. Takes ownership of {@code batch}: returns it as the
   * accepted rows when every row passes and no column changes, else closes it (also when this
   * throws) and returns a new root allocated from {@code allocator}. {@code positions} names the
   * source position of a row ({@code file.csv:12}) and is called for rejected rows only.
   */
  public ValidatedBatch validate(
      VectorSchemaRoot batch, BufferAllocator allocator, IntFunction<String> positions) {
    List<FieldVector> created = new ArrayList<>();
    boolean returned = false;
    try {
      ValidatedBatch result = validate(batch, allocator, positions, created);
      returned = result.accepted() == batch;
      return result;
    } finally {
      created.forEach(FieldVector::close);
      if (!returned) {
        batch.close();
      }
    }
  }

  private ValidatedBatch validate(
      VectorSchemaRoot batch,
      BufferAllocator allocator,
      IntFunction<String> positions,
      List<FieldVector> created) {
    int rows = batch.getRowCount();
    List<FieldVector> incoming = incomingVectors(batch);
    BatchProblems problems = new BatchProblems(rows);

    for (Extra extra : extras) {
      EvolutionMode mode = contract.modes().columns();
      if (mode == EvolutionMode.DISCARD_VALUE) {
        continue;
      }
      FieldVector vector = incoming.get(extra.incomingIndex());
      if (vector.getNullCount() == rows) {
        continue;
      }
      String reason =
          "column "
              + SqlText.name(extra.name())
              + " is not in contract "
              + contract.name()
              + " (columns = '"
              + mode.sqlName()
              + "')";
      Violation.Severity severity =
          mode == EvolutionMode.DISCARD_ROW ? Violation.Severity.DISCARD : Violation.Severity.ERROR;
      for (int row = 0; row < rows; row++) {
        if (!vector.isNull(row)) {
          problems.add(row, extra.rule(), reason, severity);
        }
      }
    }

    // The contract's columns as the rules read them: incoming, cast, or all null.
    FieldVector[] values = new FieldVector[columns.size()];
    for (int c = 0; c < columns.size(); c++) {
      Column column = columns.get(c);
      values[c] =
          switch (column.feed()) {
            case AS_IS, WIDENED -> incoming.get(column.incomingIndex());
            case CAST ->
                cast(
                    column,
                    incoming.get(column.incomingIndex()),
                    rows,
                    allocator,
                    problems,
                    created);
            case MISSING -> nulls(column.evaluationField(), rows, allocator, created);
          };
      if (column.feed() == Feed.AS_IS && column.definition().hasMaxLength()) {
        checkLength(column, (VarCharVector) values[c], rows, problems);
      }
    }

    for (int c = 0; c < columns.size(); c++) {
      ContractDefinition.Column definition = columns.get(c).definition();
      FieldVector vector = values[c];
      if (!definition.notNull() || vector.getNullCount() == 0) {
        continue;
      }
      String rule = Rules.notNull(definition.name());
      String reason =
          columns.get(c).feed() == Feed.MISSING
              ? SqlText.name(definition.name()) + " is null (the load has no such column)"
              : SqlText.name(definition.name()) + " is null";
      for (int row = 0; row < rows; row++) {
        if (vector.isNull(row)) {
          problems.add(row, rule, reason, Violation.Severity.ERROR);
        }
      }
    }

    if (!checks.isEmpty()) {
      VectorSchemaRoot evaluation =
          new VectorSchemaRoot(evaluationSchema.getFields(), List.of(values), rows);
      PredicateResult result = new PredicateResult();
      for (Check check : checks) {
        try {
          check.predicate().evaluate(evaluation, result);
        } catch (TidewaterException | ArithmeticException e) {
          if (!isValueError(e)) {
            throw e;
          }
          // A value the check cannot take (a division by zero, a bad cast): find its rows.
          checkRowByRow(check, evaluation, rows, problems);
          continue;
        }
        if (result.countFalse() == 0) {
          continue;
        }
        String reason = "CHECK (" + check.display() + ") is false";
        for (int row = result.nextFalse(0); row >= 0; row = result.nextFalse(row + 1)) {
          problems.add(row, check.rule(), reason, Violation.Severity.ERROR);
        }
      }
    }

    if (!unique.isEmpty()) {
      unique.check(values, rows, problems);
    }

    List<Violation> violations = problems.violations(incoming, positions);
    VectorSchemaRoot accepted = accepted(batch, incoming, values, problems, allocator);
    return new ValidatedBatch(accepted, violations);
  }

  /**
   * Evaluates a check that failed on the whole batch one row at a time: a row it cannot be
   * evaluated on breaks it, with the evaluation error as the reason.
   */
  private static void checkRowByRow(
      Check check, VectorSchemaRoot evaluation, int rows, BatchProblems problems) {
    PredicateResult result = new PredicateResult();
    for (int row = 0; row < rows; row++) {
      try (VectorSchemaRoot one = evaluation.slice(row, 1)) {
        try {
          check.predicate().evaluate(one, result);
        } catch (TidewaterException | ArithmeticException e) {
          if (!isValueError(e)) {
            throw e;
          }
          problems.add(
              row,
              check.rule(),
              "CHECK (" + check.display() + ") cannot be evaluated: " + e.getMessage(),
              Violation.Severity.ERROR);
          continue;
        }
        if (result.countFalse() > 0) {
          problems.add(
              row,
              check.rule(),
              "CHECK (" + check.display() + ") is false",
              Violation.Severity.ERROR);
        }
      }
    }
  }

  /** An error of the values (the user's data), not of Tidewater: only those reject a row. */
  private static boolean isValueError(RuntimeException e) {
    return e instanceof ArithmeticException
        || e instanceof TidewaterException tidewater && tidewater.kind() == ErrorKind.USER;
  }

  private List<FieldVector> incomingVectors(VectorSchemaRoot batch) {
    List<FieldVector> vectors = batch.getFieldVectors();
    List<Field> fields = incomingSchema.getFields();
    boolean matches = vectors.size() == fields.size();
    for (int i = 0; matches && i < fields.size(); i++) {
      matches = vectors.get(i).getName().equals(fields.get(i).getName());
    }
    if (!matches) {
      throw TidewaterException.internal(
          null,
          "the batch's columns %s are not the columns %s the contract validator was built for",
          batch.getSchema().getFields().stream().map(Field::getName).toList(),
          fields.stream().map(Field::getName).toList());
    }
    return vectors;
  }

  private FieldVector cast(
      Column column,
      FieldVector from,
      int rows,
      BufferAllocator allocator,
      BatchProblems problems,
      List<FieldVector> created) {
    EvolutionMode mode = contract.modes().dataType();
    String sqlType = column.definition().sqlType();
    FieldVector cast =
        column
            .cast()
            .apply(
                from,
                rows,
                allocator,
                row -> {
                  if (mode != EvolutionMode.DISCARD_VALUE) {
                    problems.add(
                        row,
                        column.typeRule(),
                        SqlText.name(column.definition().name())
                            + ": "
                            + BatchProblems.quoted(from, row)
                            + " ("
                            + TypeNames.of(from.getField())
                            + ") cannot be converted to "
                            + sqlType
                            + " without loss",
                        severity(mode));
                  }
                });
    created.add(cast);
    return cast;
  }

  private static Violation.Severity severity(EvolutionMode dataTypeMode) {
    return dataTypeMode == EvolutionMode.DISCARD_ROW
        ? Violation.Severity.DISCARD
        : Violation.Severity.ERROR;
  }

  /** VARCHAR(n): text longer than n characters breaks the column's type. */
  private void checkLength(Column column, VarCharVector vector, int rows, BatchProblems problems) {
    int maxLength = column.definition().maxLength();
    ArrowBuf offsets = vector.getOffsetBuffer();
    EvolutionMode mode = contract.modes().dataType();
    for (int row = 0; row < rows; row++) {
      int start = offsets.getInt((long) row * BaseVariableWidthVector.OFFSET_WIDTH);
      int end = offsets.getInt((long) (row + 1) * BaseVariableWidthVector.OFFSET_WIDTH);
      // a character is at least one byte: only longer byte strings can be too long
      if (end - start <= maxLength || vector.isNull(row)) {
        continue;
      }
      String text = ValueConversions.toText(ValueCast.read(vector, row));
      int length = text.codePointCount(0, text.length());
      if (length <= maxLength) {
        continue;
      }
      if (mode == EvolutionMode.DISCARD_VALUE) {
        vector.setNull(row);
      } else {
        problems.add(
            row,
            column.typeRule(),
            SqlText.name(column.definition().name())
                + ": "
                + BatchProblems.quoted(vector, row)
                + " has "
                + length
                + " characters, more than "
                + column.definition().sqlType()
                + " allows",
            severity(mode));
      }
    }
  }

  private static FieldVector nulls(
      Field field, int rows, BufferAllocator allocator, List<FieldVector> created) {
    FieldVector vector = field.createVector(allocator);
    created.add(vector);
    vector.setInitialCapacity(Math.max(rows, 1));
    vector.allocateNew();
    vector.setValueCount(rows);
    return vector;
  }

  /** The accepted rows in the output schema's columns. */
  private VectorSchemaRoot accepted(
      VectorSchemaRoot batch,
      List<FieldVector> incoming,
      FieldVector[] values,
      BatchProblems problems,
      BufferAllocator allocator) {
    int rows = batch.getRowCount();
    if (problems.count() == 0 && !changesColumns) {
      return batch;
    }
    // The output's vectors: each incoming column's (cast where the contract casts), minus extras
    List<FieldVector> sources = new ArrayList<>();
    for (int i = 0; i < incoming.size(); i++) {
      FieldVector source = incoming.get(i);
      boolean dropped = false;
      for (Extra extra : extras) {
        dropped |= extra.incomingIndex() == i;
      }
      if (dropped) {
        continue;
      }
      for (int c = 0; c < columns.size(); c++) {
        if (columns.get(c).incomingIndex() == i && columns.get(c).feed() == Feed.CAST) {
          source = values[c];
        }
      }
      sources.add(source);
    }
    List<FieldVector> vectors = new ArrayList<>();
    int kept = rows - problems.count();
    try {
      for (int i = 0; i < sources.size(); i++) {
        FieldVector source = sources.get(i);
        Field field = outputSchema.getFields().get(i);
        if (problems.count() == 0) {
          var transfer = source.getTransferPair(field, allocator);
          transfer.transfer();
          vectors.add((FieldVector) transfer.getTo());
          continue;
        }
        FieldVector target = field.createVector(allocator);
        vectors.add(target);
        AcceptedRows.copy(source, target, problems.rejected(), rows, kept);
      }
    } catch (RuntimeException e) {
      vectors.forEach(FieldVector::close);
      throw e;
    }
    VectorSchemaRoot root = new VectorSchemaRoot(outputSchema.getFields(), vectors, kept);
    root.setRowCount(kept);
    return root;
  }

  @Override
  public String toString() {
    return "ContractValidator[" + contract.name() + " v" + contract.version() + "]";
  }
}
