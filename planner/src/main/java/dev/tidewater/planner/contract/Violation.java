package dev.tidewater.planner.contract;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A row that breaks the contract: its index in the validated batch (-1 for a record the reader
 * could not read), where it came from ({@code file:line}), the first rule it breaks ({@code
 * not_null(amount)}, {@code check(amount >= 0)}, {@code unique(id)}, {@code type(amount DECIMAL(12,
 * 2))}, {@code columns_freeze(extra)}, {@code parse}), every rule it breaks (the first one first),
 * why ({@code ; }-separated), the row as it arrived as a JSON object (null when it never became
 * values), and the record's source text when the reader could not read it (else null).
 */
public record Violation(
    int row,
    String position,
    String rule,
    List<String> rules,
    String reason,
    String rowJson,
    String rawRecord,
    Severity severity) {
  /** The rule of records the reader could not read. */
  public static final String PARSE_RULE = "parse";

  /** Whether the load's {@code ON ERROR} policy applies to the row. */
  public enum Severity {
    /** A broken rule: {@code ON ERROR ABORT} fails the load, SKIP drops it, QUARANTINE keeps it. */
    ERROR,
    /**
     * Dropped by a {@code discard_row} mode: never fails the load and does not count toward {@code
     * ERROR LIMIT}; quarantined under QUARANTINE like an error, dropped otherwise.
     */
    DISCARD
  }

  public Violation {
    requireNonNull(position, "position is null");
    requireNonNull(rule, "rule is null");
    rules = List.copyOf(requireNonNull(rules, "rules is null"));
    if (rules.isEmpty() || !rules.get(0).equals(rule)) {
      throw new IllegalArgumentException("rules must start with rule " + rule + ": " + rules);
    }
    requireNonNull(reason, "reason is null");
    requireNonNull(severity, "severity is null");
  }

  /** A record the reader could not read: rule {@value #PARSE_RULE}, no values, its source text. */
  public static Violation unreadable(String position, String reason, String rawRecord) {
    return new Violation(
        -1, position, PARSE_RULE, List.of(PARSE_RULE), reason, null, rawRecord, Severity.ERROR);
  }
}
