package dev.tidewater.planner.query;

import dev.tidewater.planner.Engine;
import dev.tidewater.planner.metadata.SourceDefinition;
import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.Connector;
import dev.tidewater.spi.ExtractRequest;
import dev.tidewater.spi.SourceObject;
import dev.tidewater.spi.Split;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.rex.RexNode;

/**
 * A source object as a table, so {@code SELECT * FROM my_files LIMIT 10} previews what a LOAD would
 * read. Projections and the filters {@link SourcePredicates} translates go to the connector (a JDBC
 * source puts them into its query). Splits are read one after the other.
 */
final class SourceQueryTable extends ArrowTable {
  private final Engine engine;
  private final SourceDefinition source;
  private final SourceObject object;
  private final BufferAllocator allocator;
  private final int batchRows;
  private Schema schema;
  private volatile long rowLimit = -1;

  SourceQueryTable(
      Engine engine,
      SourceDefinition source,
      SourceObject object,
      BufferAllocator allocator,
      int batchRows) {
    this.engine = engine;
    this.source = source;
    this.object = object;
    this.allocator = allocator;
    this.batchRows = batchRows;
  }

  @Override
  synchronized Schema arrowSchema() {
    if (schema == null) {
      try (Connector connector = engine.connect(source)) {
        schema = connector.discover(object);
      }
    }
    return schema;
  }

  /**
   * The rows this statement needs at most, when its plan is a LIMIT over this table and filters the
   * source has in full (see {@link SourceLimits}); the connector may put it into its query.
   */
  void limitRows(long rows) {
    this.rowLimit = rows;
  }

  @Override
  BatchReader open(List<String> columns, List<RexNode> filters) {
    Connector connector = engine.connect(source);
    try {
      ExtractRequest request =
          new ExtractRequest(
                  object, columns, SourcePredicates.translate(filters, arrowSchema()), batchRows)
              .withRowLimit(wholeFilters(filters) ? rowLimit : -1);
      List<Split> splits = connector.plan(request);
      return new ConcatenatedReader(connector, request, splits);
    } catch (RuntimeException e) {
      connector.close();
      throw e;
    }
  }

  /** Whether the source has every filter Calcite gave the scan, so that its LIMIT is right. */
  private boolean wholeFilters(List<RexNode> filters) {
    return filters.stream()
        .allMatch(filter -> SourcePredicates.translatesWhole(filter, arrowSchema()));
  }

  /** Reads the splits in order as one stream, closing the connector at the end. */
  private final class ConcatenatedReader implements BatchReader {
    private final Connector connector;
    private final ExtractRequest request;
    private final List<Split> splits;
    private int next;
    private BatchReader current;
    private long bytesBefore;

    ConcatenatedReader(Connector connector, ExtractRequest request, List<Split> splits) {
      this.connector = connector;
      this.request = request;
      this.splits = splits;
    }

    @Override
    public Schema schema() {
      return current == null ? arrowSchema() : current.schema();
    }

    @Override
    public boolean next() {
      while (true) {
        if (current != null && current.next()) {
          return true;
        }
        if (current != null) {
          bytesBefore += current.bytesRead();
          current.close();
          current = null;
        }
        if (next >= splits.size()) {
          return false;
        }
        current = connector.open(splits.get(next++), request, allocator);
      }
    }

    @Override
    public VectorSchemaRoot root() {
      return current.root();
    }

    @Override
    public String position(int rowIndex) {
      return current.position(rowIndex);
    }

    @Override
    public long bytesRead() {
      return bytesBefore + (current == null ? 0 : current.bytesRead());
    }

    @Override
    public void close() {
      try {
        if (current != null) {
          current.close();
        }
      } finally {
        connector.close();
      }
    }
  }
}
