package dev.tidewater.planner.contract;

import static java.util.Objects.requireNonNull;

/**
 * A row that breaks the contract: its index in the validated batch, where it came from ({@code
 * file:line}), the first rule it breaks ({@code not_null(amount)}, {@code check(amount >= 0)},
 * {@code unique(id)}, {@code type(amount DECIMAL(12, 2))}, {@code columns_freeze(extra)}), why (all
 * the rules it breaks, {@code ; }-separated), and the row as it arrived, as a JSON object.
 */
public record Violation(
    int row, String position, String rule, String reason, String rowJson, Severity severity) {
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
    requireNonNull(reason, "reason is null");
    requireNonNull(rowJson, "rowJson is null");
    requireNonNull(severity, "severity is null");
  }
}
