package dev.tidewater.server.cli;

import dev.tidewater.planner.ExecutionResult;
import dev.tidewater.planner.load.LoadListener;
import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.TidewaterException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

/**
 * Completes SQL keywords and the names the server knows: catalogs, {@code catalog.namespace}, both
 * {@code namespace.table} and {@code catalog.namespace.table}, sources and contracts. The names are
 * read with {@code SHOW} statements the first time they are needed and again after a statement that
 * may change them ({@link #invalidate}); at most {@value #MAX_NAMESPACES} namespaces are listed, so
 * a huge catalog does not stall the prompt.
 */
final class NameCompleter implements Completer {
  static final int MAX_NAMESPACES = 200;

  private final StatementRunner runner;
  private final List<String> keywords;
  private List<String> names;

  NameCompleter(StatementRunner runner, List<String> keywords) {
    this.runner = runner;
    this.keywords = List.copyOf(keywords);
  }

  /** Names may have changed (a CREATE, DROP or LOAD ran): read them again when next needed. */
  void invalidate() {
    names = null;
  }

  @Override
  public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
    boolean lower = !line.word().isEmpty() && Character.isLowerCase(line.word().charAt(0));
    for (String keyword : keywords) {
      String text = lower ? keyword.toLowerCase(Locale.ROOT) : keyword;
      candidates.add(new Candidate(text, text, "keyword", null, null, null, true));
    }
    for (String name : names()) {
      candidates.add(new Candidate(name, name, "name", null, null, null, false));
    }
  }

  /** Every name, read now if they are not known. */
  List<String> names() {
    if (names == null) {
      TreeSet<String> found = new TreeSet<>();
      try {
        for (String catalog : column("SHOW CATALOGS", 0)) {
          found.add(catalog);
        }
        List<String[]> namespaces = rows("SHOW NAMESPACES", 2);
        for (String[] namespace :
            namespaces.subList(0, Math.min(namespaces.size(), MAX_NAMESPACES))) {
          String qualified = namespace[0] + "." + namespace[1];
          found.add(qualified);
          found.add(namespace[1]);
          for (String table : column("SHOW TABLES IN " + qualified, 2)) {
            found.add(qualified + "." + table);
            found.add(namespace[1] + "." + table);
          }
        }
        found.addAll(column("SHOW SOURCES", 0));
        found.addAll(column("SHOW CONTRACTS", 0));
      } catch (TidewaterException e) {
        // Completion is a convenience: a name that cannot be listed is not offered.
      }
      names = List.copyOf(found);
    }
    return names;
  }

  private List<String> column(String statement, int column) {
    List<String> values = new ArrayList<>();
    for (String[] row : rows(statement, column + 1)) {
      values.add(row[column]);
    }
    return values;
  }

  /** The first {@code columns} columns of each row of the statement's result, as text. */
  private List<String[]> rows(String statement, int columns) {
    List<String[]> rows = new ArrayList<>();
    try (ExecutionResult result = runner.run(statement, LoadListener.NONE)) {
      if (!result.hasRows()) {
        return rows;
      }
      BatchReader reader = result.rows();
      while (reader.next()) {
        VectorSchemaRoot root = reader.root();
        for (int row = 0; row < root.getRowCount(); row++) {
          String[] values = new String[columns];
          for (int column = 0; column < columns; column++) {
            Object value = root.getVector(column).getObject(row);
            values[column] = value == null ? "" : value.toString();
          }
          rows.add(values);
        }
      }
    }
    return rows;
  }
}
