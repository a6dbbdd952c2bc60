package dev.tidewater.planner.load;

import static java.util.Objects.requireNonNull;

import dev.tidewater.parser.ast.SqlLoad;
import dev.tidewater.parser.ast.SqlOption;
import dev.tidewater.planner.Engine;
import dev.tidewater.planner.TableName;
import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.Cancellation;
import dev.tidewater.spi.SourceObject;
import dev.tidewater.spi.TidewaterException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.iceberg.catalog.Namespace;

/**
 * Bulk ingest: batches a client sends, written into an Iceberg table by the LOAD pipeline (the same
 * normalization, schema evolution, writers, commit and load history as {@code LOAD ... INTO}), with
 * the client stream as the source. What the client asks for when the table exists or is missing
 * becomes a disposition, or an error before anything is read.
 */
public final class StreamIngest {
  /** What to do when the table exists. */
  public enum IfExists {
    FAIL,
    APPEND,
    REPLACE
  }

  /** What to do when the table is missing. */
  public enum IfMissing {
    FAIL,
    CREATE
  }

  /**
   * An ingest into {@code table} of {@code catalogOrNull}.{@code namespaceOrNull} (the session's
   * current ones when null); {@code options} are LOAD's {@code WITH (...)} options.
   */
  public record Request(
      String catalogOrNull,
      String namespaceOrNull,
      String table,
      IfMissing ifMissing,
      IfExists ifExists,
      Map<String, String> options) {
    public Request {
      requireNonNull(table, "table is null");
      requireNonNull(ifMissing, "ifMissing is null");
      requireNonNull(ifExists, "ifExists is null");
      options = Map.copyOf(options);
    }
  }

  private final Engine engine;

  public StreamIngest(Engine engine) {
    this.engine = requireNonNull(engine, "engine is null");
  }

  /**
   * Writes {@code batches} into the requested table in one commit, reading them as they arrive;
   * nothing is committed when any batch fails or {@code cancellation} is cancelled before the
   * commit. The caller closes {@code batches}; {@code user} is who runs it (system.running_loads).
   */
  public LoadOutcome ingest(
      Request request,
      BatchReader batches,
      String defaultCatalog,
      String defaultNamespace,
      BufferAllocator allocator,
      Cancellation cancellation,
      String user) {
    TableName target = target(request, defaultCatalog, defaultNamespace);
    boolean exists = engine.catalogs().catalog(target.catalog()).tableExists(target.identifier());
    SqlLoad.Disposition disposition = disposition(request, target, exists);
    SqlLoad load = load(target, disposition, request.options());
    LoadSources.Extraction extraction =
        new LoadSources.Extraction(
            ClientStream.NAME, ClientStream.TYPE, SourceObject.SELF, new ClientStream(batches));
    try (LoadPlan plan =
        new LoadPlanner(engine).plan(load, extraction, target.catalog(), target.namespaceText())) {
      return new LoadExecutor(engine)
          .execute(
              plan,
              allocator,
              LoadListener.NONE,
              cancellation,
              new RunningLoads.Statement("bulk ingest into " + target, user));
    }
  }

  private TableName target(Request request, String defaultCatalog, String defaultNamespace) {
    if (request.table().isBlank()) {
      throw TidewaterException.user("bulk ingest: the table name is empty");
    }
    String catalog = blankToNull(request.catalogOrNull());
    String namespace = blankToNull(request.namespaceOrNull());
    catalog = catalog == null ? defaultCatalog : catalog;
    namespace = namespace == null ? defaultNamespace : namespace;
    if (!engine.catalogNames().contains(catalog)) {
      throw TidewaterException.user(
          "bulk ingest: unknown catalog '%s' (catalogs: %s)", catalog, engine.catalogNames());
    }
    return new TableName(catalog, Namespace.of(namespace.split("\\.")), request.table());
  }

  private static SqlLoad.Disposition disposition(
      Request request, TableName target, boolean exists) {
    if (exists) {
      return switch (request.ifExists()) {
        case FAIL ->
            throw TidewaterException.user(
                "bulk ingest: table %s exists, and the ingest mode creates a table"
                    + " (append or replace write into an existing one)",
                target);
        case APPEND -> SqlLoad.Disposition.APPEND;
        case REPLACE -> SqlLoad.Disposition.REPLACE;
      };
    }
    return switch (request.ifMissing()) {
      case FAIL ->
          throw TidewaterException.user(
              "bulk ingest: unknown table %s, and the ingest mode writes into an existing table"
                  + " (create, create_append or replace create it)",
              target);
      case CREATE -> SqlLoad.Disposition.APPEND;
    };
  }

  /** The LOAD the ingest runs, as if written {@code LOAD (client) INTO target ...}. */
  private static SqlLoad load(
      TableName target, SqlLoad.Disposition disposition, Map<String, String> options) {
    SqlParserPos none = SqlParserPos.ZERO;
    List<String> names = new ArrayList<>();
    names.add(target.catalog());
    names.addAll(List.of(target.namespace().levels()));
    names.add(target.table());
    List<SqlNode> with = new ArrayList<>();
    new TreeMap<>(options)
        .forEach(
            (key, value) ->
                with.add(
                    new SqlOption(
                        none,
                        new SqlIdentifier(key, none),
                        SqlLiteral.createCharString(value, none))));
    return new SqlLoad(
        none,
        new SqlIdentifier(ClientStream.NAME, none),
        new SqlIdentifier(names, none),
        null,
        disposition,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        false,
        null,
        new SqlNodeList(with, none));
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
