package dev.tidewater.connector.http;

import static java.util.Objects.requireNonNull;

import dev.tidewater.spi.RecordRejections;
import java.net.http.HttpClient;
import java.util.Optional;

/** What the readers of one HTTP source share: its options, HTTP client and masking of secrets. */
final class HttpSource {
  private final String name;
  private final HttpOptions options;
  private HttpClient client;
  private final Masking masking;

  HttpSource(String name, HttpOptions options) {
    this.name = requireNonNull(name, "name is null");
    this.options = requireNonNull(options, "options is null");
    this.masking = new Masking(options.authentication().secrets());
  }

  String name() {
    return name;
  }

  HttpOptions options() {
    return options;
  }

  /** A fetcher of pages that sends {@code cursorValue} in the cursor parameter, when present. */
  PageFetcher fetcher(Optional<String> cursorValue) {
    return new PageFetcher(name, options, client(), masking, cursorValue);
  }

  /**
   * The client, made on first use (CREATE SOURCE only checks the options). It follows no redirect
   * by itself: the fetcher follows those within the same origin, so that credentials never go to
   * another host.
   */
  private synchronized HttpClient client() {
    if (client == null) {
      client =
          HttpClient.newBuilder()
              .connectTimeout(options.connectTimeout())
              .followRedirects(HttpClient.Redirect.NEVER)
              // plain http: HTTP/1.1 without an upgrade attempt; https negotiates HTTP/2
              .version(
                  options.url().getScheme().equalsIgnoreCase("https")
                      ? HttpClient.Version.HTTP_2
                      : HttpClient.Version.HTTP_1_1)
              .build();
    }
    return client;
  }

  /** A new paginator, for one read from the first page on. */
  Paginator paginator() {
    return new Paginator(options.paginator(), options.url());
  }

  /** A walker over a fetched page; records that are not objects go to {@code rejections}. */
  PageWalker walker(
      PageFetcher.FetchedPage page, PageFetcher fetcher, RecordRejections rejections) {
    return new PageWalker(
        page.body(),
        options.recordsPath(),
        options.paginator().paths(),
        String.format(
            "HTTP source '%s': page %d (GET %s)", name, page.number(), fetcher.display(page.uri())),
        rejections,
        record -> recordPosition(page.number(), record));
  }

  /** Where a record came from, for errors and quarantine. */
  String recordPosition(int page, int record) {
    return name + " page " + page + " record " + record;
  }
}
