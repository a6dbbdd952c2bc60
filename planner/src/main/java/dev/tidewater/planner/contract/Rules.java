package dev.tidewater.planner.contract;

import java.util.List;
import java.util.stream.Collectors;

/** The names of contract rules, as violations and {@code DESCRIBE CONTRACT} show them. */
final class Rules {
  private Rules() {}

  static String notNull(String column) {
    return "not_null(" + SqlText.name(column) + ")";
  }

  static String check(String displayText) {
    return "check(" + displayText + ")";
  }

  static String unique(List<String> columns) {
    return "unique(" + columns.stream().map(SqlText::name).collect(Collectors.joining(", ")) + ")";
  }

  static String type(String column, String sqlType) {
    return "type(" + SqlText.name(column) + " " + sqlType + ")";
  }

  /** A column the contract lacks, under {@code columns = 'freeze'} or {@code 'discard_row'}. */
  static String columns(EvolutionMode mode, String column) {
    return "columns_" + mode.sqlName() + "(" + SqlText.name(column) + ")";
  }
}
