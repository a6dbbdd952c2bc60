package dev.tidewater.server;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads JDBC results into lists, closing them, for assertions. */
final class JdbcRows {
  private JdbcRows() {}

  /** Every row, each as the list of its column values. */
  static List<List<Object>> rows(ResultSet resultSet) throws SQLException {
    try (resultSet) {
      List<List<Object>> rows = new ArrayList<>();
      int columns = resultSet.getMetaData().getColumnCount();
      while (resultSet.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          row.add(resultSet.getObject(i));
        }
        rows.add(row);
      }
      return rows;
    }
  }

  /** The values of one column, by name. */
  static List<String> column(ResultSet resultSet, String name) throws SQLException {
    try (resultSet) {
      List<String> values = new ArrayList<>();
      while (resultSet.next()) {
        values.add(resultSet.getString(name));
      }
      return values;
    }
  }

  /** The column labels of a result. */
  static List<String> labels(ResultSet resultSet) throws SQLException {
    try (resultSet) {
      List<String> labels = new ArrayList<>();
      for (int i = 1; i <= resultSet.getMetaData().getColumnCount(); i++) {
        labels.add(resultSet.getMetaData().getColumnLabel(i));
      }
      return labels;
    }
  }
}
