package dev.tidewater.planner.load;

import dev.tidewater.planner.Engine;
import dev.tidewater.planner.Positions;
import dev.tidewater.planner.TableName;
import dev.tidewater.planner.metadata.SourceDefinition;
import dev.tidewater.spi.Connector;
import dev.tidewater.spi.SourceObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.dialect.CalciteSqlDialect;

/** Resolves what a LOAD reads ({@code LOAD <from> INTO ...}) to a connector. */
final class LoadSources {
  private final Engine engine;

  LoadSources(Engine engine) {
    this.engine = engine;
  }

  /** What a LOAD reads: a source's object, a query, or an Iceberg table; and its connector. */
  record Extraction(String name, String type, SourceObject object, Connector connector) {}

  /**
   * The extract stage of {@code LOAD <from>}: a source (or a database source's table), else an
   * Iceberg table of a catalog ({@code LOAD lake.ns.t INTO ...}), else a query ({@code LOAD (SELECT
   * ...) INTO ...}); tables and queries run through the query engine ({@link QuerySource}).
   */
  Extraction extraction(SqlNode from, String defaultCatalog, String defaultNamespace) {
    if (!(from instanceof SqlIdentifier id)) {
      String sql =
          from.toSqlString(
                  config ->
                      config
                          .withDialect(CalciteSqlDialect.DEFAULT)
                          .withClauseStartsLine(false)
                          .withClauseEndsLine(false)
                          .withSelectListItemsOnSeparateLines(false))
              .getSql();
      sql = oneLine(sql);
      return new Extraction(
          "(query)",
          "QUERY",
          SourceObject.SELF,
          new QuerySource(engine, sql, "query", defaultCatalog, defaultNamespace));
    }
    String sourceName = id.names.get(0);
    Optional<SourceDefinition> source = engine.metadata().source(sourceName);
    if (source.isPresent()) {
      SourceObject object = new SourceObject(id.names.subList(1, id.names.size()));
      return new Extraction(sourceName, source.get().type(), object, engine.connect(source.get()));
    }
    if (id.names.size() >= 2) {
      TableName table =
          TableName.resolve(
              id.names, defaultCatalog, defaultNamespace, Set.copyOf(engine.catalogNames()));
      if (engine.catalogNames().contains(table.catalog())
          && engine.catalogs().catalog(table.catalog()).tableExists(table.identifier())) {
        List<String> parts = new ArrayList<>();
        parts.add(table.catalog());
        parts.addAll(List.of(table.namespace().levels()));
        parts.add(table.table());
        String quoted =
            String.join(
                ".", parts.stream().map(name -> "\"" + name.replace("\"", "\"\"") + "\"").toList());
        return new Extraction(
            table.toString(),
            "ICEBERG",
            SourceObject.SELF,
            new QuerySource(
                engine, "SELECT * FROM " + quoted, table.toString(), defaultCatalog, null));
      }
    }
    throw Positions.userError(
        id,
        id.names.size() >= 2
            ? "unknown source '%s' (and no table %s in a catalog)"
            : "unknown source '%s'",
        sourceName,
        String.join(".", id.names));
  }

  /** {@code sql} on one line: line breaks and their indentation outside string literals. */
  private static String oneLine(String sql) {
    StringBuilder line = new StringBuilder(sql.length());
    boolean quoted = false;
    for (int i = 0; i < sql.length(); i++) {
      char c = sql.charAt(i);
      if (c == '\'') {
        quoted = !quoted;
      }
      if (!quoted && (c == '\n' || c == '\r')) {
        while (i + 1 < sql.length() && sql.charAt(i + 1) == ' ') {
          i++;
        }
        line.append(' ');
        continue;
      }
      line.append(c);
    }
    return line.toString();
  }
}
