package dev.tidewater.connector.http;

import static java.util.Objects.requireNonNull;

import dev.tidewater.connector.text.JsonTypeInference;
import dev.tidewater.connector.text.SourceSchemas;
import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.ColumnPredicate;
import dev.tidewater.spi.Connector;
import dev.tidewater.spi.ExtractRequest;
import dev.tidewater.spi.SourceObject;
import dev.tidewater.spi.Split;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * An HTTP source: the records of all its pages are one table. The schema is inferred from the first
 * {@code sample_pages} pages (at most {@code sample_rows} records) with the JSON type inference of
 * JSON files, and kept; the first page is kept too, so a read right after needs not fetch it again.
 * The whole source is one split: pages depend on each other through the paginator.
 */
final class HttpConnector implements Connector {
  private final HttpSource source;
  private Schema schema;
  private PageFetcher.FetchedPage firstPage;

  HttpConnector(HttpSource source) {
    this.source = requireNonNull(source, "source is null");
  }

  @Override
  public List<SourceObject> listObjects() {
    return List.of(SourceObject.SELF);
  }

  @Override
  public Schema discover(SourceObject object) {
    checkObject(object);
    return schema();
  }

  @Override
  public List<Split> plan(ExtractRequest request) {
    checkObject(request.object());
    SourceSchemas.project(source.name(), schema(), request.columns());
    PageFetcher fetcher = source.fetcher(Optional.empty());
    return List.of(new HttpSplit(fetcher.display(source.options().url())));
  }

  @Override
  public BatchReader open(Split split, ExtractRequest request, BufferAllocator allocator) {
    checkObject(request.object());
    if (!(split instanceof HttpSplit)) {
      throw TidewaterException.internal(
          null, "source '%s' cannot read a split of type %s", source.name(), split.getClass());
    }
    Schema sourceSchema = schema();
    Schema projected =
        SourceSchemas.asText(
            SourceSchemas.project(source.name(), sourceSchema, request.columns()),
            request.textColumns());
    Optional<String> cursor = cursorValue(sourceSchema, request.predicates());
    PageFetcher fetcher = source.fetcher(cursor);
    PageFetcher.FetchedPage cached = cursor.isEmpty() ? takeFirstPage() : null;
    return new HttpBatchReader(
        source, fetcher, cached, projected, allocator, request.batchRows(), request.rejections());
  }

  private synchronized PageFetcher.FetchedPage takeFirstPage() {
    PageFetcher.FetchedPage page = firstPage;
    firstPage = null;
    return page;
  }

  /**
   * The value for {@code cursor_param}: the lower bound of the incremental window (the planner's
   * {@code >} or {@code >=} predicate), formatted by {@code cursor_format}. The API may take it as
   * inclusive or exclusive; the planner filters the rows it returns to the exact window.
   */
  private Optional<String> cursorValue(Schema sourceSchema, List<ColumnPredicate> predicates) {
    if (source.options().cursorParam().isEmpty()) {
      return Optional.empty();
    }
    for (ColumnPredicate predicate : predicates) {
      if (predicate.operator() == ColumnPredicate.Operator.GREATER_THAN
          || predicate.operator() == ColumnPredicate.Operator.GREATER_THAN_OR_EQUAL) {
        Field field = SourceSchemas.field(sourceSchema, predicate.column());
        return Optional.of(
            source
                .options()
                .cursorFormat()
                .format(predicate.value(), field == null ? null : field.getType()));
      }
    }
    return Optional.empty();
  }

  private void checkObject(SourceObject object) {
    if (!object.path().isEmpty()) {
      throw TidewaterException.user(
          "source '%s' is an HTTP source and holds one table; '%s' does not exist in it"
              + " (use the source name alone)",
          source.name(), object);
    }
  }

  private synchronized Schema schema() {
    if (schema == null) {
      schema = SourceSchemas.withColumnTypes(infer(), source.options().columns());
    }
    return schema;
  }

  /** Infers the schema from the first pages, keeping the first one for the next read. */
  private Schema infer() {
    HttpOptions options = source.options();
    PageFetcher fetcher = source.fetcher(Optional.empty());
    Paginator paginator = source.paginator();
    JsonTypeInference inference = new JsonTypeInference();
    Optional<URI> next = Optional.of(paginator.first());
    int remaining = options.sampleRows();
    int pages = 0;
    int pageLimit = Math.min(options.samplePages(), options.maxPages().orElse(Integer.MAX_VALUE));
    while (next.isPresent() && pages < pageLimit && remaining > 0) {
      PageFetcher.FetchedPage page = fetcher.fetch(++pages, next.get());
      if (pages == 1) {
        firstPage = page;
      }
      // records that are not objects are left out here; reading them fails or rejects them
      try (PageWalker walker = source.walker(page, fetcher, (position, reason, text) -> {})) {
        while (remaining > 0 && walker.nextRecord()) {
          try {
            inference.observeRecord(walker.parser());
          } catch (IOException e) {
            throw walker.failure(e);
          }
          remaining--;
        }
        if (remaining <= 0) {
          break;
        }
        next =
            paginator.next(
                new Paginator.Page(page.uri(), page.headers(), walker.records(), walker.values()));
      }
    }
    Schema inferred = inference.schema();
    if (inferred.getFields().isEmpty()) {
      throw TidewaterException.user(
          "HTTP source '%s': the first %s (GET %s) held no records with keys at records_path '%s',"
              + " so no schema can be inferred; check option 'records_path' against the answer",
          source.name(),
          pages == 1 ? "page" : pages + " pages",
          fetcher.display(options.url()),
          options.recordsPath());
    }
    return inferred;
  }
}
