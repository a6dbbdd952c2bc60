package dev.tidewater.planner.load;

import static java.util.Objects.requireNonNull;

import dev.tidewater.planner.TableName;
import java.util.ArrayList;
import java.util.List;

/**
 * A compiled LOAD: a tree of {@link LoadOperator}s rooted at its {@link LoadOperator.Commit}
 * (extract -> window -> validate -> normalize -> dedup -> write -> commit). Printable by EXPLAIN
 * LOAD without reading data. Owns the open connector of its extract stage.
 *
 * <p>{@code skipReason}: the load reads and writes nothing, for this reason (a contract's {@code
 * tables} mode discards loads into new tables).
 */
public record LoadPlan(String loadId, LoadOperator.Commit root, String skipReason)
    implements AutoCloseable {

  /** How an ERROR LIMIT counts. */
  public enum ErrorLimitKind {
    ROWS,
    PERCENT
  }

  /** The write dispositions this build can execute. */
  public enum Disposition {
    APPEND,
    REPLACE,
    MERGE
  }

  public LoadPlan {
    requireNonNull(loadId, "loadId is null");
    requireNonNull(root, "root is null");
  }

  /** The leaf of the tree. */
  public LoadOperator.Extract extract() {
    return find(LoadOperator.Extract.class);
  }

  /** The cursor window, or null without INCREMENTAL / BACKFILL. */
  public LoadOperator.Window window() {
    return find(LoadOperator.Window.class);
  }

  /** The contract stage, or null without USING CONTRACT. */
  public LoadOperator.Validate validation() {
    return find(LoadOperator.Validate.class);
  }

  public LoadOperator.Normalize normalize() {
    return find(LoadOperator.Normalize.class);
  }

  /** DEDUP BY, or null. */
  public LoadOperator.Dedup dedup() {
    return find(LoadOperator.Dedup.class);
  }

  public LoadOperator.Write write() {
    return root.input();
  }

  public LoadOperator.Commit commit() {
    return root;
  }

  /** The operator of {@code type} in the tree, or null. */
  private <T extends LoadOperator> T find(Class<T> type) {
    for (LoadOperator operator = root; operator != null; operator = operator.input()) {
      if (type.isInstance(operator)) {
        return type.cast(operator);
      }
    }
    return null;
  }

  /** The cursor window's, or null. */
  public CursorWindow cursor() {
    LoadOperator.Window window = window();
    return window == null ? null : window.cursor();
  }

  public String sourceName() {
    return extract().sourceName();
  }

  public TableName target() {
    return root.target();
  }

  public Disposition disposition() {
    return root.disposition();
  }

  /** The branch of {@code AT BRANCH}, or null for the table's main branch. */
  public String branch() {
    return root.branch();
  }

  public long estimatedBytes() {
    return extract().estimatedBytes();
  }

  /** The operator tree as EXPLAIN LOAD prints it, one line a row, each input indented under. */
  public List<String> explain() {
    List<String> lines = new ArrayList<>();
    lines.add("Load " + loadId + " into " + target() + " (" + disposition() + ")");
    if (skipReason != null) {
      lines.add("  Skip: " + skipReason);
      return lines;
    }
    String indent = "  ";
    for (LoadOperator operator = root; operator != null; operator = operator.input()) {
      for (String line : operator.describe()) {
        lines.add(indent + line);
      }
      indent += "  ";
    }
    return lines;
  }

  @Override
  public void close() {
    extract().connector().close();
  }
}
