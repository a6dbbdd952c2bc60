package dev.tidewater.planner.query;

import dev.tidewater.planner.Engine;
import dev.tidewater.planner.metadata.SourceDefinition;
import dev.tidewater.spi.Connector;
import dev.tidewater.spi.SourceObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.schema.lookup.LikePattern;
import org.apache.calcite.schema.lookup.Lookup;
import org.apache.calcite.schema.lookup.Named;

/**
 * A database source as a schema: {@code shop_db.public.orders} (a sub-schema per database schema)
 * or {@code shop_db.orders} where the database has none (SQLite). The source's objects are listed
 * once per statement, and only when a query names one of them, so a database that cannot be reached
 * fails only the queries that read it. A one-table source (FILES, HTTP) lists no objects here; it
 * is the table of the same name at the root.
 */
final class SourceSchema extends AbstractSchema {
  private final Listing listing;
  private final List<String> prefix;

  SourceSchema(Engine engine, SourceDefinition source, BufferAllocator allocator, int batchRows) {
    this(new Listing(engine, source, allocator, batchRows), List.of());
  }

  private SourceSchema(Listing listing, List<String> prefix) {
    this.listing = listing;
    this.prefix = List.copyOf(prefix);
  }

  @Override
  public Lookup<Table> tables() {
    return new NameLookup<>(this::tableNames, name -> listing.table(child(name)));
  }

  @Override
  public Lookup<AbstractSchema> subSchemas() {
    return new NameLookup<>(this::schemaNames, name -> new SourceSchema(listing, child(name)));
  }

  private List<String> child(String name) {
    List<String> path = new ArrayList<>(prefix);
    path.add(name);
    return path;
  }

  /** The names of the objects right below this schema. */
  private Set<String> tableNames() {
    Set<String> names = new LinkedHashSet<>();
    for (SourceObject object : listing.objects()) {
      List<String> path = object.path();
      if (path.size() == prefix.size() + 1 && path.subList(0, prefix.size()).equals(prefix)) {
        names.add(path.get(prefix.size()));
      }
    }
    return names;
  }

  /** The names of the database schemas right below this one (none below a database schema). */
  private Set<String> schemaNames() {
    Set<String> names = new LinkedHashSet<>();
    for (SourceObject object : listing.objects()) {
      List<String> path = object.path();
      if (path.size() > prefix.size() + 1 && path.subList(0, prefix.size()).equals(prefix)) {
        names.add(path.get(prefix.size()));
      }
    }
    return names;
  }

  /** The source's objects, listed on first use, and their tables, made once. */
  private static final class Listing {
    private final Engine engine;
    private final SourceDefinition source;
    private final BufferAllocator allocator;
    private final int batchRows;
    private final java.util.Map<List<String>, SourceQueryTable> tables = new java.util.HashMap<>();
    private List<SourceObject> objects;

    Listing(Engine engine, SourceDefinition source, BufferAllocator allocator, int batchRows) {
      this.engine = engine;
      this.source = source;
      this.allocator = allocator;
      this.batchRows = batchRows;
    }

    synchronized List<SourceObject> objects() {
      if (objects == null) {
        try (Connector connector = engine.connect(source)) {
          objects = connector.listObjects();
        }
      }
      return objects;
    }

    synchronized SourceQueryTable table(List<String> path) {
      return tables.computeIfAbsent(
          path,
          each ->
              new SourceQueryTable(engine, source, new SourceObject(each), allocator, batchRows));
    }
  }

  /**
   * Looks names up in a listing: exactly, else ignoring case (Calcite's lookups are
   * case-insensitive here, since unquoted names are lower-cased).
   */
  private record NameLookup<T>(
      java.util.function.Supplier<Set<String>> names, Function<String, T> make)
      implements Lookup<T> {
    @Override
    public T get(String name) {
      return names.get().contains(name) ? make.apply(name) : null;
    }

    @Override
    public Named<T> getIgnoreCase(String name) {
      Set<String> all = names.get();
      if (all.contains(name)) {
        return new Named<>(name, make.apply(name));
      }
      for (String candidate : all) {
        if (candidate.equalsIgnoreCase(name)) {
          return new Named<>(candidate, make.apply(candidate));
        }
      }
      return null;
    }

    @Override
    public Set<String> getNames(LikePattern pattern) {
      Set<String> matching = new LinkedHashSet<>();
      for (String name : names.get()) {
        if (pattern.matcher().apply(name)) {
          matching.add(name);
        }
      }
      return matching;
    }
  }
}
