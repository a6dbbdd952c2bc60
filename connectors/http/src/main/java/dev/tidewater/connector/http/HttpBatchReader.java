package dev.tidewater.connector.http;

import dev.tidewater.connector.text.ColumnWriter;
import dev.tidewater.connector.text.ColumnWriter.BadValueException;
import dev.tidewater.connector.text.StructuredWriters;
import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.RecordRejections;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.net.URI;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Reads the pages of an HTTP source one after the other into Arrow batches, fetching each page only
 * when the previous one is read: one page's body in memory at a time. The first batch ends with the
 * first page, so that a preview ({@code LIMIT 10}) fetches one page; later batches double in size
 * up to the request's batch rows, ending at page ends where they can.
 */
final class HttpBatchReader implements BatchReader {
  private final HttpSource source;
  private final PageFetcher fetcher;
  private final Paginator paginator;
  private final int batchRows;
  private final RecordRejections rejections;
  private final VectorSchemaRoot root;
  private final List<FieldVector> vectors;
  private final Map<String, ColumnWriter> writers = new HashMap<>();
  private PageFetcher.FetchedPage cachedFirst;
  private Optional<URI> nextPage;
  private int pages;
  private PageFetcher.FetchedPage page;
  private PageWalker walker;
  private long bytesRead;
  private int lastBatchRows;
  private long[] positions;
  private boolean finished;

  HttpBatchReader(
      HttpSource source,
      PageFetcher fetcher,
      PageFetcher.FetchedPage cachedFirst,
      Schema projected,
      BufferAllocator allocator,
      int batchRows,
      RecordRejections rejections) {
    this.source = source;
    this.fetcher = fetcher;
    this.cachedFirst = cachedFirst;
    this.paginator = source.paginator();
    this.nextPage = Optional.of(paginator.first());
    this.batchRows = batchRows;
    this.rejections = rejections;
    this.root = VectorSchemaRoot.create(projected, allocator);
    this.vectors = root.getFieldVectors();
    this.positions = new long[Math.min(batchRows, 1024)];
    try {
      for (FieldVector vector : vectors) {
        String name = vector.getField().getName();
        writers.put(name, ColumnWriter.create(vector, name));
      }
    } catch (RuntimeException e) {
      root.close();
      throw e;
    }
  }

  @Override
  public Schema schema() {
    return root.getSchema();
  }

  @Override
  public boolean next() {
    if (finished) {
      return false;
    }
    for (FieldVector vector : vectors) {
      vector.reset();
    }
    int target = Math.min(batchRows, Math.max(1, lastBatchRows * 2));
    int row = 0;
    while (row < batchRows) {
      if (walker == null && !nextPage()) {
        finished = true;
        break;
      }
      if (!walker.nextRecord()) {
        endPage();
        if (row >= target) {
          break;
        }
        continue;
      }
      try {
        StructuredWriters.writeFields(walker.parser(), writers, row);
      } catch (BadValueException e) {
        clearRow(row);
        String where = source.recordPosition(page.number(), walker.records());
        if (rejections == null) {
          throw TidewaterException.user("%s: %s", where, e.getMessage());
        }
        rejections.reject(where, e.getMessage(), walker.skipRecord());
        continue;
      } catch (IOException e) {
        throw walker.failure(e);
      }
      if (row == positions.length) {
        positions = Arrays.copyOf(positions, positions.length * 2);
      }
      positions[row++] = ((long) page.number() << 32) | walker.records();
    }
    root.setRowCount(row);
    lastBatchRows = row;
    return row > 0;
  }

  /** Fetches the next page, if there is one and the page limit allows it. */
  private boolean nextPage() {
    if (nextPage.isEmpty()) {
      return false;
    }
    if (source.options().maxPages().isPresent()
        && pages >= source.options().maxPages().getAsInt()) {
      return false;
    }
    pages++;
    if (pages == 1 && cachedFirst != null) {
      page = cachedFirst;
      cachedFirst = null;
    } else {
      page = fetcher.fetch(pages, nextPage.get());
    }
    bytesRead += page.body().length;
    walker = source.walker(page, fetcher, rejections);
    return true;
  }

  private void endPage() {
    nextPage =
        paginator.next(
            new Paginator.Page(page.uri(), page.headers(), walker.records(), walker.values()));
    walker.close();
    walker = null;
  }

  /** Undoes what a rejected record wrote at {@code row}, which the next record reuses. */
  private void clearRow(int row) {
    for (FieldVector vector : vectors) {
      vector.setNull(row);
    }
  }

  @Override
  public VectorSchemaRoot root() {
    return root;
  }

  /** {@code source 'gh' page 3 record 17}. */
  @Override
  public String position(int rowIndex) {
    long position = positions[rowIndex];
    return source.recordPosition((int) (position >>> 32), (int) position);
  }

  @Override
  public long bytesRead() {
    return bytesRead;
  }

  @Override
  public void close() {
    try {
      if (walker != null) {
        walker.close();
        walker = null;
      }
    } finally {
      root.close();
    }
  }
}
