package dev.tidewater.iceberg;

import dev.tidewater.spi.TidewaterException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;

/**
 * Write-audit-publish branches of a table: a load {@code AT BRANCH} reads the branch's head where
 * it would read the table's current snapshot ({@link #view}) and commits to the branch ({@link
 * #SUMMARY_KEY} in the commit's summary names it, {@link TableCommitters} sends the update there).
 */
public final class Branches {
  /** The snapshot summary key naming the branch a load committed to. */
  public static final String SUMMARY_KEY = "tidewater.branch";

  private Branches() {}

  /**
   * {@code table} as a load at {@code branch} sees it: {@code currentSnapshot()} is the branch's
   * head (main's while the branch does not exist yet: it is created from main); everything else is
   * the table's.
   */
  public static Table view(Table table, String branch) {
    if (table == null || branch == null || SnapshotRef.MAIN_BRANCH.equals(branch)) {
      return table;
    }
    Set<Class<?>> interfaces = new LinkedHashSet<>();
    for (Class<?> type = table.getClass(); type != null; type = type.getSuperclass()) {
      for (Class<?> implemented : type.getInterfaces()) {
        interfaces.add(implemented);
      }
    }
    return (Table)
        Proxy.newProxyInstance(
            Branches.class.getClassLoader(),
            interfaces.toArray(Class<?>[]::new),
            (proxy, method, args) -> {
              if (method.getName().equals("currentSnapshot") && method.getParameterCount() == 0) {
                return head(table, branch);
              }
              try {
                return method.invoke(table, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  /** The head of {@code branch}, or main's when the branch does not exist (yet). */
  static Snapshot head(Table table, String branch) {
    SnapshotRef ref = table.refs().get(branch);
    if (ref == null) {
      return table.currentSnapshot();
    }
    return table.snapshot(ref.snapshotId());
  }

  /**
   * Creates {@code branch} at main's current snapshot when missing (an empty branch for a table
   * without snapshots); a user error when the name is a tag.
   */
  public static void ensure(Table table, String branch) {
    SnapshotRef ref = table.refs().get(branch);
    if (ref != null) {
      TidewaterException.check(
          ref.isBranch(), "'%s' is a tag of table %s, not a branch", branch, table.name());
      return;
    }
    Snapshot main = table.currentSnapshot();
    try {
      if (main == null) {
        table.manageSnapshots().createBranch(branch).commit();
      } else {
        table.manageSnapshots().createBranch(branch, main.snapshotId()).commit();
      }
    } catch (IllegalArgumentException e) {
      // another load created it meanwhile
      table.refresh();
      if (table.refs().get(branch) == null) {
        throw TidewaterException.user(
            "cannot create branch '%s' of %s: %s", branch, table.name(), e.getMessage());
      }
    }
  }
}
