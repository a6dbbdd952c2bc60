package dev.tidewater.planner.contract;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * dlt's schema-evolution modes, one each for tables, columns and data types of a contract. What
 * each means for each of the three is in {@code docs/contracts.md}.
 */
public enum EvolutionMode {
  /** Accept the change: create the table, add the column, keep the wider type. */
  EVOLVE,
  /** Refuse the change: the load fails (tables) or the row is a violation (columns, types). */
  FREEZE,
  /** Drop the rows that carry the change, without failing the load. */
  DISCARD_ROW,
  /** Drop the value (column) that is the change, keep the row. */
  DISCARD_VALUE;

  /**
   * The name in SQL: {@code evolve}, {@code freeze}, {@code discard_row}, {@code discard_value}.
   */
  public String sqlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The mode of a SQL name, ignoring case. */
  public static Optional<EvolutionMode> parse(String text) {
    return Arrays.stream(values())
        .filter(mode -> mode.sqlName().equalsIgnoreCase(text))
        .findFirst();
  }

  /** The SQL names of all modes, for error messages. */
  static String names() {
    return Arrays.stream(values()).map(EvolutionMode::sqlName).collect(Collectors.joining(", "));
  }
}
