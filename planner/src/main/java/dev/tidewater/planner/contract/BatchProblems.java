package dev.tidewater.planner.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;
import org.apache.arrow.vector.FieldVector;

/**
 * The rules each row of one batch breaks, as the validate stage finds them: a bit per rejected row,
 * details for those rows only. Used by one thread.
 */
final class BatchProblems {
  private final long[] rejected;
  private final Map<Integer, RowProblems> details = new TreeMap<>();

  BatchProblems(int rows) {
    this.rejected = new long[(rows + 63) >>> 6];
  }

  long[] rejected() {
    return rejected;
  }

  int count() {
    return details.size();
  }

  void add(int row, String rule, String reason, Violation.Severity severity) {
    rejected[row >>> 6] |= 1L << row;
    RowProblems problems = details.get(row);
    if (problems == null) {
      details.put(row, new RowProblems(rule, reason, severity));
    } else {
      problems.add(rule, reason, severity);
    }
  }

  List<Violation> violations(List<FieldVector> incoming, IntFunction<String> positions) {
    List<Violation> violations = new ArrayList<>(details.size());
    for (Map.Entry<Integer, RowProblems> entry : details.entrySet()) {
      int row = entry.getKey();
      RowProblems problems = entry.getValue();
      violations.add(
          new Violation(
              row,
              positions.apply(row),
              problems.rule,
              problems.orderedRules(),
              problems.reasons.toString(),
              RowJson.of(incoming, row),
              null,
              problems.severity));
    }
    return violations;
  }

  /** A value for a message: text in quotes, at most 100 characters. */
  static String quoted(FieldVector vector, int row) {
    if (vector.isNull(row)) {
      return "NULL";
    }
    Object value = ValueCast.read(vector, row);
    String text = ValueConversions.toText(value);
    if (text.length() > 100) {
      text = text.substring(0, 100) + "...";
    }
    return value instanceof String ? "'" + text.replace("'", "''") + "'" : text;
  }

  /** One row's broken rules: the first error's rule names the violation. */
  private static final class RowProblems {
    String rule;
    final List<String> rules = new ArrayList<>();
    final StringBuilder reasons;
    Violation.Severity severity;

    RowProblems(String rule, String reason, Violation.Severity severity) {
      this.rule = rule;
      this.rules.add(rule);
      this.reasons = new StringBuilder(reason);
      this.severity = severity;
    }

    void add(String rule, String reason, Violation.Severity severity) {
      if (this.severity == Violation.Severity.DISCARD && severity == Violation.Severity.ERROR) {
        this.rule = rule;
        this.severity = severity;
      }
      if (!rules.contains(rule)) {
        rules.add(rule);
      }
      reasons.append("; ").append(reason);
    }

    /** Every rule broken, the one that names the violation first. */
    List<String> orderedRules() {
      List<String> ordered = new ArrayList<>(rules.size());
      ordered.add(rule);
      for (String each : rules) {
        if (!each.equals(rule)) {
          ordered.add(each);
        }
      }
      return ordered;
    }
  }
}
