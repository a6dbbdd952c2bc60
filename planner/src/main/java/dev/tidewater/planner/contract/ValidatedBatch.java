package dev.tidewater.planner.contract;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * What validating one batch gives: the accepted rows (the caller owns and closes the root) and one
 * violation per rejected row, in row order. {@code accepted.getRowCount() + violations.size()} is
 * the number of rows in.
 */
public record ValidatedBatch(VectorSchemaRoot accepted, List<Violation> violations) {
  public ValidatedBatch {
    requireNonNull(accepted, "accepted is null");
    violations = List.copyOf(requireNonNull(violations, "violations is null"));
  }

  /** Rejected rows of severity ERROR: what {@code ON ERROR} and {@code ERROR LIMIT} count. */
  public int errorCount() {
    int errors = 0;
    for (Violation violation : violations) {
      if (violation.severity() == Violation.Severity.ERROR) {
        errors++;
      }
    }
    return errors;
  }

  /** Rows rejected for any reason. */
  public int rejectedCount() {
    return violations.size();
  }
}
