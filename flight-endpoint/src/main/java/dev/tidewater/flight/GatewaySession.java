package dev.tidewater.flight;

import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.Cancellation;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;

/** One client session: statements and metadata. Thread-safe. */
public interface GatewaySession extends AutoCloseable {
  /**
   * The result schema of a statement without running it; an empty schema (no fields) means the
   * statement returns an update count. Parse errors are user {@code TidewaterException}s with the
   * statement position.
   */
  Schema describe(String sql);

  /**
   * Runs a statement, allocating its batches from {@code allocator}. The endpoint cancels {@code
   * cancellation} when the client cancels or goes away; a running LOAD then stops and commits
   * nothing.
   */
  StatementResult execute(String sql, BufferAllocator allocator, Cancellation cancellation);

  /**
   * Bulk ingest: writes the client's {@code batches} into the requested table in one commit,
   * reading them as they arrive and allocating from {@code allocator}; returns the rows written.
   * Bad input (a missing table, a column that does not fit) is a user {@code TidewaterException},
   * and nothing is committed. The endpoint cancels {@code cancellation} as for {@link #execute};
   * the ingest then stops at its next batch and commits nothing.
   */
  long ingest(
      IngestRequest request,
      BatchReader batches,
      BufferAllocator allocator,
      Cancellation cancellation);

  /** The catalog names. */
  List<String> catalogs();

  /** The namespaces of one catalog, or of all catalogs when {@code catalogOrNull} is null. */
  List<NamespaceRef> namespaces(String catalogOrNull);

  /** The tables of one namespace, of one catalog, or of all, depending on which are null. */
  List<TableRef> tables(String catalogOrNull, String namespaceOrNull);

  /** The Arrow schema of a table's columns, field metadata included. */
  Schema tableSchema(TableRef table);

  /**
   * The columns of a table's primary key in key order: an Iceberg table's identifier fields (the
   * keys a MERGE created it with), empty when it has none or is not an Iceberg table. An unknown
   * table is a user {@code TidewaterException}.
   */
  List<String> primaryKey(TableRef table);

  /** The current catalog and namespace that unqualified names resolve against. */
  NamespaceRef current();

  /**
   * Sets the current catalog and/or namespace (a null keeps that part), as {@code SET CATALOG} /
   * {@code SET SCHEMA} do; an unknown catalog is a user {@code TidewaterException}.
   */
  void use(String catalogOrNull, String namespaceOrNull);

  @Override
  void close();
}
