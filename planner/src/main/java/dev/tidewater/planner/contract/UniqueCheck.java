package dev.tidewater.planner.contract;

import dev.tidewater.planner.contract.CompiledContract.Unique;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.FieldVector;

/**
 * The UNIQUE keys of a load, checked across every batch: the first row of a key wins, rows with a
 * null in the key never collide. Safe for several threads at once.
 */
final class UniqueCheck {
  private final List<Unique> uniques;
  private final Object lock = new Object();

  UniqueCheck(List<Unique> uniques) {
    this.uniques = List.copyOf(uniques);
  }

  boolean isEmpty() {
    return uniques.isEmpty();
  }

  /**
   * Rejects the rows of one batch whose key some earlier row of the load (in this batch or another)
   * has, and claims the keys of the others; {@code values} are the contract's columns as the rules
   * read them.
   */
  void check(FieldVector[] values, int rows, BatchProblems problems) {
    if (uniques.size() == 1) {
      Unique unique = uniques.get(0);
      List<FieldVector> key = keyVectors(unique, values);
      UniqueKeySet.Keys keys = unique.keys().keys(key, rows, problems.rejected());
      unique.keys().addAll(keys, row -> duplicate(unique, key, row, problems));
      return;
    }
    // Several keys: a row claims its keys only if it breaks none, so one lock covers them all.
    List<List<FieldVector>> keyVectors = new ArrayList<>();
    List<UniqueKeySet.Keys> keys = new ArrayList<>();
    for (Unique unique : uniques) {
      List<FieldVector> key = keyVectors(unique, values);
      keyVectors.add(key);
      keys.add(unique.keys().keys(key, rows, problems.rejected()));
    }
    int[] next = new int[uniques.size()];
    synchronized (lock) {
      for (int row = 0; row < rows; row++) {
        boolean duplicate = false;
        for (int u = 0; u < uniques.size(); u++) {
          UniqueKeySet.Keys rowKeys = keys.get(u);
          int i = next[u];
          if (i < rowKeys.count && rowKeys.rows[i] == row) {
            if (uniques.get(u).keys().contains(rowKeys, i)) {
              duplicate(uniques.get(u), keyVectors.get(u), row, problems);
              duplicate = true;
            }
          }
        }
        for (int u = 0; u < uniques.size(); u++) {
          UniqueKeySet.Keys rowKeys = keys.get(u);
          int i = next[u];
          if (i < rowKeys.count && rowKeys.rows[i] == row) {
            if (!duplicate) {
              uniques.get(u).keys().add(rowKeys, i);
            }
            next[u]++;
          }
        }
      }
    }
  }

  private static List<FieldVector> keyVectors(Unique unique, FieldVector[] values) {
    List<FieldVector> key = new ArrayList<>();
    for (int column : unique.columns()) {
      key.add(values[column]);
    }
    return key;
  }

  private static void duplicate(
      Unique unique, List<FieldVector> key, int row, BatchProblems problems) {
    StringBuilder reason = new StringBuilder("duplicate key (");
    reason.append(String.join(", ", unique.names().stream().map(SqlText::name).toList()));
    reason.append(") = (");
    for (int k = 0; k < key.size(); k++) {
      reason.append(k == 0 ? "" : ", ").append(BatchProblems.quoted(key.get(k), row));
    }
    problems.add(
        row,
        unique.rule(),
        reason.append(") within this load").toString(),
        Violation.Severity.ERROR);
  }
}
