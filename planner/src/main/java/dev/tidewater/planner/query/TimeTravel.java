package dev.tidewater.planner.query;

import static java.util.Objects.requireNonNull;

import dev.tidewater.parser.TidewaterSqlParser;
import dev.tidewater.parser.ast.SqlTimeTravel;
import dev.tidewater.planner.Positions;
import dev.tidewater.planner.TableName;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlTimestampLiteral;
import org.apache.calcite.sql.SqlUnknownLiteral;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.parser.SqlParserUtil;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.apache.iceberg.HistoryEntry;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * Resolves {@code FOR VERSION AS OF} and {@code FOR TIMESTAMP AS OF} before Calcite sees a query.
 * Each time-travel reference becomes a snapshot id of its Iceberg table, and its text is replaced
 * by the name of a table pinned to that snapshot (keeping the table's implicit alias). The
 * replacement is padded to the length of the clause it replaces, so that the positions Calcite
 * reports for anything after it still point into the statement the user wrote.
 */
final class TimeTravel {
  private static final String NAME_PREFIX = "tidewater$snapshot$";

  /** A query with its time travel resolved: the text for Calcite and the tables it names. */
  record Rewrite(String sql, Map<String, Pinned> tables) {
    Rewrite {
      requireNonNull(sql, "sql is null");
      tables = Collections.unmodifiableMap(new LinkedHashMap<>(tables));
    }
  }

  /** A table read at one snapshot. */
  record Pinned(Table table, long snapshotId) {
    Pinned {
      requireNonNull(table, "table is null");
    }
  }

  private TimeTravel() {}

  /**
   * Rewrites {@code sql} when it reads a table as of a version or time; returns it unchanged
   * otherwise, and also when it does not parse (Calcite then reports the syntax error). {@code
   * tables} looks up an Iceberg table by its resolved name, null when there is none.
   */
  static Rewrite rewrite(
      String sql,
      String catalog,
      String namespace,
      Set<String> catalogs,
      Function<TableName, Table> tables) {
    SqlNode statement;
    try {
      statement = TidewaterSqlParser.parseStatement(sql);
    } catch (SqlParseException e) {
      return new Rewrite(sql, Map.of());
    }
    Found found = new Found();
    statement.accept(found);
    if (found.travels.isEmpty()) {
      return new Rewrite(sql, Map.of());
    }
    // Replace from the end so that earlier offsets stay valid.
    List<SqlTimeTravel> travels = new ArrayList<>(found.travels);
    travels.sort(
        Comparator.comparingInt((SqlTimeTravel t) -> t.getParserPosition().getLineNum())
            .thenComparingInt(t -> t.getParserPosition().getColumnNum())
            .reversed());
    Map<String, Pinned> pinned = new LinkedHashMap<>();
    StringBuilder text = new StringBuilder(sql);
    int number = travels.size();
    for (SqlTimeTravel travel : travels) {
      number--;
      SqlIdentifier identifier = tableIdentifier(travel);
      TableName name = TableName.resolve(identifier.names, catalog, namespace, catalogs);
      Table table = tables.apply(name);
      if (table == null) {
        throw Positions.userError(
            identifier,
            "time travel needs an Iceberg table, and there is no table %s (sources and system"
                + " tables have no history)",
            name);
      }
      long snapshotId =
          travel.kind == SqlTimeTravel.Kind.VERSION
              ? versionSnapshot(table, name, travel.point)
              : timestampSnapshot(table, name, travel.point);
      String hidden = NAME_PREFIX + number;
      pinned.put(hidden, new Pinned(table, snapshotId));
      String replacement =
          quote(hidden) + (found.aliased.contains(travel) ? "" : " AS " + quote(name.table()));
      replace(text, travel.getParserPosition(), replacement);
    }
    return new Rewrite(text.toString(), pinned);
  }

  private static SqlIdentifier tableIdentifier(SqlTimeTravel travel) {
    if (travel.table instanceof SqlIdentifier identifier) {
      return identifier;
    }
    throw Positions.userError(
        travel.table, "FOR %s AS OF needs a table name before it", travel.kind);
  }

  /** A snapshot id (number) or a branch or tag name (string). */
  private static long versionSnapshot(Table table, TableName name, SqlNode point) {
    if (point instanceof SqlNumericLiteral number && number.isExact()) {
      long snapshotId;
      try {
        snapshotId = number.getValueAs(BigDecimal.class).longValueExact();
      } catch (ArithmeticException e) {
        throw Positions.userError(point, "%s is not a snapshot id", number);
      }
      if (table.snapshot(snapshotId) == null) {
        throw Positions.userError(point, "table %s has no snapshot %d", name, snapshotId);
      }
      return snapshotId;
    }
    if (point instanceof SqlCharStringLiteral string) {
      String ref = string.getValueAs(String.class);
      SnapshotRef snapshotRef = table.refs().get(ref);
      if (snapshotRef == null) {
        throw Positions.userError(
            point,
            "table %s has no branch or tag '%s' (it has: %s)",
            name,
            ref,
            String.join(", ", table.refs().keySet()));
      }
      return snapshotRef.snapshotId();
    }
    throw Positions.userError(
        point,
        "FOR VERSION AS OF takes a snapshot id (a number) or a branch or tag name (a string),"
            + " not %s",
        point);
  }

  /** The snapshot that was current at a time: a TIMESTAMP literal or a string, read as UTC. */
  private static long timestampSnapshot(Table table, TableName name, SqlNode point) {
    long millis = timestampMillis(point);
    Long snapshotId = SnapshotUtil.nullableSnapshotIdAsOfTime(table, millis);
    if (snapshotId == null) {
      List<HistoryEntry> history = table.history();
      throw Positions.userError(
          point,
          "table %s has no snapshot at or before %s%s",
          name,
          Instant.ofEpochMilli(millis),
          history.isEmpty()
              ? " (it has no snapshots)"
              : " (its first snapshot was committed at "
                  + Instant.ofEpochMilli(history.get(0).timestampMillis())
                  + ")");
    }
    return snapshotId;
  }

  private static long timestampMillis(SqlNode point) {
    if (point instanceof SqlTimestampLiteral timestamp) {
      return timestamp.getTimestamp().getMillisSinceEpoch();
    }
    // The parser leaves TIMESTAMP '...' for the validator to type: its text is what counts.
    String text = null;
    if (point instanceof SqlUnknownLiteral unknown && unknown.tag.startsWith("TIMESTAMP")) {
      text = unknown.getValue();
    } else if (point instanceof SqlCharStringLiteral string) {
      text = string.getValueAs(String.class);
    }
    if (text != null) {
      text = text.trim();
      try {
        return OffsetDateTime.parse(text.replace(' ', 'T')).toInstant().toEpochMilli();
      } catch (DateTimeParseException withoutOffset) {
        try {
          return LocalDateTime.parse(text.replace(' ', 'T'))
              .toInstant(ZoneOffset.UTC)
              .toEpochMilli();
        } catch (DateTimeParseException e) {
          throw Positions.userError(
              point,
              "FOR TIMESTAMP AS OF: cannot read '%s' as a timestamp (e.g. '2024-05-01 10:00:00')",
              text);
        }
      }
    }
    throw Positions.userError(
        point,
        "FOR TIMESTAMP AS OF takes a timestamp literal (TIMESTAMP '2024-05-01 10:00:00'), not %s",
        point);
  }

  /**
   * Replaces the text at {@code pos} with {@code replacement} followed by blanks, keeping the line
   * breaks of the replaced text so that later lines do not move.
   */
  private static void replace(StringBuilder text, SqlParserPos pos, String replacement) {
    String sql = text.toString();
    int start = SqlParserUtil.lineColToIndex(sql, pos.getLineNum(), pos.getColumnNum());
    int end = SqlParserUtil.lineColToIndex(sql, pos.getEndLineNum(), pos.getEndColumnNum()) + 1;
    String original = sql.substring(start, end);
    StringBuilder padded = new StringBuilder(replacement);
    for (int i = replacement.length(); i < original.length(); i++) {
      char c = original.charAt(i);
      padded.append(c == '\n' || c == '\r' ? c : ' ');
    }
    text.replace(start, end, padded.toString());
  }

  private static String quote(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /** Collects the time-travel nodes, and which of them have an alias of their own. */
  private static final class Found extends SqlBasicVisitor<Void> {
    final List<SqlTimeTravel> travels = new ArrayList<>();
    final Set<SqlTimeTravel> aliased = Collections.newSetFromMap(new IdentityHashMap<>());

    @Override
    public Void visit(SqlCall call) {
      if (call instanceof SqlTimeTravel travel) {
        travels.add(travel);
        return null; // the table name and the point hold no further time travel
      }
      if (call.getKind() == SqlKind.AS && call.operand(0) instanceof SqlTimeTravel travel) {
        aliased.add(travel);
      }
      return super.visit(call);
    }
  }
}
