package dev.tidewater.planner.statement;

import dev.tidewater.parser.ast.SqlDropBranch;
import dev.tidewater.parser.ast.SqlOptions;
import dev.tidewater.parser.ast.SqlPublishBranch;
import dev.tidewater.parser.ast.SqlShow;
import dev.tidewater.planner.Engine;
import dev.tidewater.planner.ExecutionResult;
import dev.tidewater.planner.Positions;
import dev.tidewater.planner.TableName;
import dev.tidewater.planner.result.Rows;
import dev.tidewater.spi.Cancellation;
import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.TidewaterException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * Write-audit-publish: {@code PUBLISH BRANCH}, {@code DROP BRANCH} and {@code SHOW BRANCHES OF}. A
 * branch is an Iceberg branch; its cursor is in its own snapshots' summaries, so publishing by
 * fast-forward moves main's cursor with main's data.
 */
final class BranchStatements {
  static final Schema SHOW_SCHEMA =
      new Schema(
          List.of(
              Rows.varchar("branch"),
              Rows.bigint("snapshot_id"),
              Rows.varchar("cursor"),
              Rows.bigint("loads"),
              Rows.varchar("load_ids")));

  private static final String CURSOR_PREFIX = "tidewater.cursor.";
  private static final String LOAD_ID = "tidewater.load-id";

  private final StatementContext context;
  private final Engine engine;

  BranchStatements(StatementContext context) {
    this.context = context;
    this.engine = context.engine();
  }

  /**
   * Fast-forwards main to the branch, in one metadata commit that Iceberg validates: main must be
   * an ancestor of the branch. When main moved meanwhile, a clear error, or with {@code mode =
   * 'cherry-pick'} the branch's appends replayed onto main in one transaction.
   */
  ExecutionResult publish(SqlPublishBranch publish, Cancellation cancellation) {
    String branch = branchName(publish.branch.getValueAs(String.class), publish.branch);
    Mode mode = mode(publish);
    TableName name = context.tableName(publish.table);
    Table table = table(name, publish.table);
    SnapshotRef ref = branchRef(table, name, branch, publish.branch);
    Snapshot main = table.currentSnapshot();
    boolean fastForward =
        main == null
            || SnapshotUtil.isAncestorOf(ref.snapshotId(), main.snapshotId(), table::snapshot);
    if (fastForward) {
      List<Snapshot> published = since(table, ref.snapshotId(), main);
      cancellation.enterCommit();
      try {
        table.manageSnapshots().fastForwardBranch(SnapshotRef.MAIN_BRANCH, branch).commit();
      } catch (ValidationException | CommitFailedException e) {
        throw diverged(publish, name, branch, e);
      }
      return ExecutionResult.update(published.size());
    }
    if (mode == Mode.FAST_FORWARD) {
      throw diverged(publish, name, branch, null);
    }
    return cherryPick(publish, table, name, branch, ref, cancellation);
  }

  private ExecutionResult cherryPick(
      SqlPublishBranch publish,
      Table table,
      TableName name,
      String branch,
      SnapshotRef ref,
      Cancellation cancellation) {
    Snapshot main = table.currentSnapshot();
    Long fork =
        SnapshotUtil.ancestorIds(table.snapshot(ref.snapshotId()), table::snapshot).stream()
            .filter(id -> SnapshotUtil.isAncestorOf(main.snapshotId(), id, table::snapshot))
            .findFirst()
            .orElse(null);
    List<Snapshot> replayed = new ArrayList<>();
    for (Snapshot snapshot :
        SnapshotUtil.ancestorsBetween(ref.snapshotId(), fork, table::snapshot)) {
      if (!DataOperations.APPEND.equals(snapshot.operation())) {
        throw Positions.userError(
            publish,
            "branch '%s' of %s cannot be cherry-picked: snapshot %d (load %s) is a %s, and only"
                + " appends can be replayed onto a main that moved; load again on a branch made"
                + " from main's current state",
            branch,
            name,
            snapshot.snapshotId(),
            snapshot.summary().getOrDefault(LOAD_ID, "-"),
            snapshot.operation());
      }
      replayed.add(0, snapshot);
    }
    Transaction transaction = table.newTransaction();
    for (Snapshot snapshot : replayed) {
      transaction.manageSnapshots().cherrypick(snapshot.snapshotId()).commit();
    }
    cancellation.enterCommit();
    try {
      transaction.commitTransaction();
    } catch (ValidationException | CommitFailedException e) {
      throw new TidewaterException(
          ErrorKind.EXTERNAL,
          String.format(
              "cherry-picking branch '%s' onto main of %s failed (%s); nothing was published,"
                  + " run it again",
              branch, name, e.getMessage()),
          e);
    }
    return ExecutionResult.update(replayed.size());
  }

  /** Removes the branch (its snapshots stay until expired); main cannot be dropped. */
  ExecutionResult drop(SqlDropBranch drop, Cancellation cancellation) {
    String branch = branchName(drop.branch.getValueAs(String.class), drop.branch);
    TableName name = context.tableName(drop.table);
    Table table = table(name, drop.table);
    branchRef(table, name, branch, drop.branch);
    cancellation.enterCommit();
    table.manageSnapshots().removeBranch(branch).commit();
    return ExecutionResult.update(1);
  }

  /**
   * One row per branch: its head, its cursor per source ({@code source=value}), and the Tidewater
   * loads on it that main does not have.
   */
  ExecutionResult show(SqlShow show, BufferAllocator allocator) {
    TableName name = context.tableName(show.scope);
    Table table = table(name, show.scope);
    Snapshot main = table.currentSnapshot();
    Rows rows = Rows.of(SHOW_SCHEMA);
    for (Map.Entry<String, SnapshotRef> entry : new TreeMap<>(table.refs()).entrySet()) {
      if (!entry.getValue().isBranch()) {
        continue;
      }
      long head = entry.getValue().snapshotId();
      List<String> loads = new ArrayList<>();
      for (Snapshot snapshot : since(table, head, main)) {
        String loadId = snapshot.summary().get(LOAD_ID);
        if (loadId != null) {
          loads.add(0, loadId);
        }
      }
      rows.add(
          entry.getKey(),
          head,
          cursors(table, head),
          (long) loads.size(),
          String.join(", ", loads));
    }
    return ExecutionResult.rows(rows.reader(allocator));
  }

  /** The snapshots of {@code head}'s history that main does not have, newest first. */
  private static List<Snapshot> since(Table table, long head, Snapshot main) {
    List<Snapshot> result = new ArrayList<>();
    for (Snapshot snapshot : SnapshotUtil.ancestorsOf(head, table::snapshot)) {
      if (main != null
          && SnapshotUtil.isAncestorOf(main.snapshotId(), snapshot.snapshotId(), table::snapshot)) {
        break;
      }
      result.add(snapshot);
    }
    return result;
  }

  /** The latest cursor of each source in {@code head}'s history, as {@code source=value, ...}. */
  private static String cursors(Table table, long head) {
    Map<String, String> cursors = new TreeMap<>();
    for (Snapshot snapshot : SnapshotUtil.ancestorsOf(head, table::snapshot)) {
      snapshot
          .summary()
          .forEach(
              (key, value) -> {
                if (key.startsWith(CURSOR_PREFIX)) {
                  cursors.putIfAbsent(key.substring(CURSOR_PREFIX.length()), value);
                }
              });
    }
    List<String> parts = new ArrayList<>();
    cursors.forEach((source, value) -> parts.add(source + "=" + value));
    return parts.isEmpty() ? null : String.join(", ", parts);
  }

  private Table table(TableName name, SqlIdentifier at) {
    try {
      return engine.catalogs().catalog(name.catalog()).loadTable(name.identifier());
    } catch (NoSuchTableException e) {
      throw Positions.userError(at, "table %s does not exist", name);
    }
  }

  private static SnapshotRef branchRef(Table table, TableName name, String branch, SqlNode at) {
    SnapshotRef ref = table.refs().get(branch);
    if (ref == null || !ref.isBranch()) {
      List<String> branches =
          table.refs().entrySet().stream()
              .filter(entry -> entry.getValue().isBranch())
              .map(Map.Entry::getKey)
              .sorted()
              .toList();
      throw Positions.userError(
          at,
          "table %s has no branch '%s' (branches: %s)",
          name,
          branch,
          String.join(", ", branches));
    }
    return ref;
  }

  private static String branchName(String branch, SqlNode at) {
    if (branch.isBlank()) {
      throw Positions.userError(at, "a branch needs a name");
    }
    if (branch.equals(SnapshotRef.MAIN_BRANCH)) {
      throw Positions.userError(at, "'main' is the table itself, not a write-audit-publish branch");
    }
    return branch;
  }

  private static TidewaterException diverged(
      SqlPublishBranch publish, TableName name, String branch, Exception cause) {
    TidewaterException error =
        Positions.userError(
            publish,
            "main of %s moved since branch '%s' was made from it: a fast-forward would drop main's"
                + " newer commits, so nothing was published; load again on a new branch, or"
                + " PUBLISH BRANCH '%s' OF %s WITH (mode = 'cherry-pick') to replay the branch's"
                + " appends onto main",
            name,
            branch,
            branch,
            name);
    if (cause != null) {
      error.addSuppressed(cause);
    }
    return error;
  }

  /** How PUBLISH BRANCH publishes. */
  private enum Mode {
    FAST_FORWARD,
    CHERRY_PICK
  }

  private static Mode mode(SqlPublishBranch publish) {
    Map<String, String> options = SqlOptions.toMap(publish.options);
    for (String key : options.keySet()) {
      if (!key.equals("mode")) {
        throw Positions.userError(
            publish.options, "unknown PUBLISH BRANCH option '%s' (known: [mode])", key);
      }
    }
    String mode = options.getOrDefault("mode", "fast-forward").toLowerCase(Locale.ROOT);
    return switch (mode) {
      case "fast-forward" -> Mode.FAST_FORWARD;
      case "cherry-pick" -> Mode.CHERRY_PICK;
      default ->
          throw Positions.userError(
              publish.options,
              "PUBLISH BRANCH mode is 'fast-forward' (the default) or 'cherry-pick', not '%s'",
              mode);
    };
  }
}
