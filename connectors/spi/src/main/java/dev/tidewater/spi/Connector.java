package dev.tidewater.spi;

import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;

/** A configured source: it discovers schemas, plans splits and opens readers. */
public interface Connector extends AutoCloseable {
  /** The objects this source holds (a FILES source holds {@link SourceObject#SELF} only). */
  List<SourceObject> listObjects();

  /** The Arrow schema of an object, inferred when the source has none of its own. */
  Schema discover(SourceObject object);

  /** Splits the extraction into units that can be read independently and in parallel. */
  List<Split> plan(ExtractRequest request);

  /**
   * Opens a reader over one split, allocating from {@code allocator}. Every batch has the schema
   * {@link #discover} returned, projected to the request's columns.
   */
  BatchReader open(Split split, ExtractRequest request, BufferAllocator allocator);

  /**
   * Lines EXPLAIN LOAD adds under the extraction: what planning the splits decided beyond the list
   * of splits (e.g. files and row groups skipped by statistics). None by default.
   */
  default List<String> explain(ExtractRequest request, List<Split> splits) {
    return List.of();
  }

  @Override
  default void close() {}
}
