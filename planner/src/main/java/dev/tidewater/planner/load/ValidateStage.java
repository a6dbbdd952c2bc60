package dev.tidewater.planner.load;

import dev.tidewater.parser.ast.SqlLoad;
import dev.tidewater.planner.contract.ValidatedBatch;
import dev.tidewater.planner.contract.Violation;
import dev.tidewater.spi.TidewaterException;
import java.util.List;
import java.util.function.IntFunction;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The validate stage: runs the contract over each batch and handles its violations as ON ERROR says
 * (abort, skip, quarantine); checks ERROR LIMIT. VALIDATE LOAD samples them instead.
 */
final class ValidateStage {
  private static final int MAX_ROW_TEXT = 500;

  private final LoadOperator.Validate validation;
  private final LoadCounters counters;
  private final BufferAllocator allocator;
  private final RowStages.Mode mode;

  ValidateStage(
      LoadOperator.Validate validation,
      LoadCounters counters,
      BufferAllocator allocator,
      RowStages.Mode mode) {
    this.validation = validation;
    this.counters = counters;
    this.allocator = allocator;
    this.mode = mode;
  }

  /** The contract stage: the accepted rows; violations are counted, quarantined or fatal. */
  VectorSchemaRoot apply(VectorSchemaRoot owned, IntFunction<String> positions) {
    ValidatedBatch validated = validation.validator().validate(owned, allocator, positions);
    List<Violation> violations = validated.violations();
    if (violations.isEmpty()) {
      return validated.accepted();
    }
    try {
      counters.rowsRejected.addAndGet(validated.rejectedCount());
      counters.countRules(violations);
      long errors = counters.errors.addAndGet(validated.errorCount());
      if (mode == RowStages.Mode.VALIDATE) {
        counters.sample(violations);
        return validated.accepted();
      }
      if (validation.onError() == SqlLoad.OnError.ABORT && validated.errorCount() > 0) {
        Violation first =
            violations.stream()
                .filter(each -> each.severity() == Violation.Severity.ERROR)
                .findFirst()
                .orElseThrow();
        throw TidewaterException.user(
            "%s: contract '%s' rule %s: %s; the row: %s (ON ERROR ABORT: nothing is committed)",
            first.position(),
            validation.validator().contract().name(),
            first.rule(),
            first.reason(),
            abbreviate(first.rowJson()));
      }
      if (validation.onError() == SqlLoad.OnError.QUARANTINE) {
        counters.quarantine.add(violations);
      }
      Violation last = violations.get(violations.size() - 1);
      checkRowLimit(validation, errors, last.position(), last.reason());
      return validated.accepted();
    } catch (RuntimeException e) {
      validated.accepted().close();
      throw e;
    }
  }

  private static String abbreviate(String text) {
    if (text == null) {
      return "(no values)";
    }
    return text.length() <= MAX_ROW_TEXT ? text : text.substring(0, MAX_ROW_TEXT) + "...";
  }

  /** A record the reader could not read, under ON ERROR SKIP or QUARANTINE. */
  static void unreadable(LoadPlan plan, LoadCounters counters, Violation violation) {
    long errors = counters.unreadable(violation);
    if (counters.quarantine != null) {
      counters.quarantine.add(List.of(violation));
    }
    checkRowLimit(plan.validation(), errors, violation.position(), violation.reason());
  }

  /** ERROR LIMIT n: the load aborts as soon as more than n rows broke the contract. */
  static void checkRowLimit(
      LoadOperator.Validate validation, long errors, String position, String reason) {
    if (validation.errorLimit() == null
        || validation.limitKind() != LoadPlan.ErrorLimitKind.ROWS
        || errors <= validation.errorLimit()) {
      return;
    }
    throw TidewaterException.user(
        "%d rows broke contract '%s', over the ERROR LIMIT of %s; nothing is committed"
            + " (last: %s: %s)",
        errors,
        validation.validator().contract().name(),
        formatLimit(validation.errorLimit()),
        position,
        reason);
  }

  /**
   * ERROR LIMIT n PERCENT: a share of all the rows the load took (those in its cursor window, and
   * the records it could not read), so it is checked once every row is read, before the commit.
   */
  static void checkPercentLimit(LoadOperator.Validate validation, LoadCounters counters) {
    if (validation == null
        || validation.errorLimit() == null
        || validation.limitKind() != LoadPlan.ErrorLimitKind.PERCENT) {
      return;
    }
    long errors = counters.errors.get();
    long read = counters.rowsTaken.get();
    if (errors == 0 || errors * 100.0 <= validation.errorLimit() * read) {
      return;
    }
    throw TidewaterException.user(
        "%d of %d rows (%.2f%%) broke contract '%s', over the ERROR LIMIT of %s PERCENT; nothing"
            + " is committed",
        errors,
        read,
        errors * 100.0 / read,
        validation.validator().contract().name(),
        formatLimit(validation.errorLimit()));
  }

  private static String formatLimit(double limit) {
    return limit == Math.rint(limit) ? Long.toString((long) limit) : Double.toString(limit);
  }
}
