package dev.tidewater.connector.http;

import static java.util.Objects.requireNonNull;

import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches the pages of an HTTP source: one GET per page with the source's headers and credentials,
 * retried by the {@link RetryPolicy}. A page's body is held in memory until the next page replaces
 * it, never more than one page per reader. Every URL in a message or log line is masked.
 */
final class PageFetcher {
  private static final Logger LOG = LoggerFactory.getLogger(PageFetcher.class);
  private static final int BODY_EXCERPT = 200;
  private static final int MAX_REDIRECTS = 5;
  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

  /** One fetched page. */
  record FetchedPage(int number, URI uri, HttpHeaders headers, byte[] body) {}

  private final String sourceName;
  private final HttpOptions options;
  private final HttpClient client;
  private final Masking masking;
  private final Optional<String> cursorValue;

  PageFetcher(
      String sourceName,
      HttpOptions options,
      HttpClient client,
      Masking masking,
      Optional<String> cursorValue) {
    this.sourceName = requireNonNull(sourceName, "sourceName is null");
    this.options = requireNonNull(options, "options is null");
    this.client = requireNonNull(client, "client is null");
    this.masking = requireNonNull(masking, "masking is null");
    this.cursorValue = requireNonNull(cursorValue, "cursorValue is null");
  }

  /** The URL as messages show it: secrets masked. */
  String display(URI uri) {
    return masking.mask(uri.toString());
  }

  /**
   * Fetches page {@code number} (1-based) at {@code uri}, following redirects within the same
   * origin (scheme, host and port), at most {@value #MAX_REDIRECTS}.
   */
  FetchedPage fetch(int number, URI uri) {
    URI current = uri;
    for (int redirects = 0; ; redirects++) {
      Fetched fetched = fetchOnce(number, current);
      if (fetched.page() != null) {
        return fetched.page();
      }
      URI location = current.resolve(fetched.location());
      if (!sameOrigin(current, location)) {
        throw TidewaterException.external(
            null,
            "HTTP source '%s': page %d (GET %s) redirects to another origin (%s); credentials are"
                + " not sent there: set option 'url' to it",
            sourceName,
            number,
            display(current),
            display(location));
      }
      if (redirects >= MAX_REDIRECTS) {
        throw TidewaterException.external(
            null,
            "HTTP source '%s': page %d (GET %s): more than %d redirects",
            sourceName,
            number,
            display(uri),
            MAX_REDIRECTS);
      }
      current = location;
    }
  }

  private static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost() != null
        && a.getHost().equalsIgnoreCase(b.getHost())
        && port(a) == port(b);
  }

  private static int port(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
  }

  /** A page, or the location a redirect points to. */
  private record Fetched(FetchedPage page, String location) {}

  private Fetched fetchOnce(int number, URI uri) {
    URI target = uri;
    if (cursorValue.isPresent()) {
      target = QueryParameters.with(target, options.cursorParam().orElseThrow(), cursorValue.get());
    }
    HttpRequest.Builder builder =
        HttpRequest.newBuilder()
            .GET()
            .timeout(options.retries().requestTimeout())
            .header("Accept", "application/json");
    for (Map.Entry<String, String> header : options.headers().entrySet()) {
      builder.setHeader(header.getKey(), header.getValue());
    }
    target = options.authentication().apply(target, builder);
    HttpRequest request = builder.uri(target).build();
    RetryPolicy retries = options.retries();
    String lastFailure = null;
    for (int attempt = 0; ; attempt++) {
      Duration retryAfter = null;
      try {
        HttpResponse<byte[]> response = send(request, number, target);
        int status = response.statusCode();
        byte[] body = response.body();
        if (status >= 200 && status < 300) {
          return new Fetched(new FetchedPage(number, uri, response.headers(), body), null);
        }
        Optional<String> location = response.headers().firstValue("Location");
        if (REDIRECTS.contains(status) && location.isPresent()) {
          return new Fetched(null, location.get());
        }
        lastFailure = "status " + status + excerpt(body);
        if (!RetryPolicy.retried(status)) {
          throw TidewaterException.external(
              null,
              "HTTP source '%s': page %d (GET %s) failed with %s",
              sourceName,
              number,
              display(target),
              lastFailure);
        }
        retryAfter = retryAfter(response.headers()).orElse(null);
      } catch (HttpTimeoutException e) {
        lastFailure =
            "no answer within " + options.retries().requestTimeout().toSeconds() + " s (timeout)";
      } catch (IOException e) {
        lastFailure = "connection error: " + masking.mask(String.valueOf(e.getMessage()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw TidewaterException.external(
            null, "HTTP source '%s': interrupted while fetching page %d", sourceName, number);
      }
      if (attempt >= retries.maxRetries()) {
        throw TidewaterException.external(
            null,
            "HTTP source '%s': page %d (GET %s) failed after %d attempts; last: %s",
            sourceName,
            number,
            display(target),
            attempt + 1,
            lastFailure);
      }
      Duration delay = retries.delay(attempt + 1, retryAfter);
      LOG.info(
          "HTTP source '{}': page {} (GET {}): {}; retry {} of {} in {} ms",
          sourceName,
          number,
          display(target),
          lastFailure,
          attempt + 1,
          retries.maxRetries(),
          delay.toMillis());
      sleep(delay, number);
    }
  }

  /**
   * Sends a request and waits for the whole answer, body included, at most the request timeout; a
   * body larger than {@code max_page_bytes} is an error.
   */
  private HttpResponse<byte[]> send(HttpRequest request, int number, URI target)
      throws IOException, InterruptedException {
    int limit = options.maxPageBytes();
    CompletableFuture<HttpResponse<byte[]>> answer =
        client.sendAsync(request, info -> new LimitedBody(limit));
    Duration timeout = options.retries().requestTimeout();
    try {
      return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      answer.cancel(true);
      throw new HttpTimeoutException("timed out");
    } catch (InterruptedException e) {
      answer.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      while (cause instanceof CompletionException && cause.getCause() != null) {
        cause = cause.getCause();
      }
      if (cause instanceof LimitedBody.TooLarge
          || cause.getCause() instanceof LimitedBody.TooLarge) {
        throw TidewaterException.user(
            "HTTP source '%s': page %d (GET %s) is larger than max_page_bytes (%d bytes); ask the"
                + " API for smaller pages or raise the option",
            sourceName, number, display(target), limit);
      }
      if (cause instanceof IOException io) {
        throw io;
      }
      throw new IOException(cause.getMessage(), cause);
    }
  }

  private void sleep(Duration delay, int number) {
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw TidewaterException.external(
          null, "HTTP source '%s': interrupted while waiting to retry page %d", sourceName, number);
    }
  }

  private String excerpt(byte[] body) {
    if (body == null || body.length == 0) {
      return "";
    }
    String text = new String(body, 0, Math.min(body.length, BODY_EXCERPT), StandardCharsets.UTF_8);
    return ": " + masking.mask(text.strip()) + (body.length > BODY_EXCERPT ? "..." : "");
  }

  /** {@code Retry-After} in seconds or as an HTTP date (RFC 9110). */
  static Optional<Duration> retryAfter(HttpHeaders headers) {
    Optional<String> value = headers.firstValue("Retry-After").map(String::trim);
    if (value.isEmpty() || value.get().isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.get()))));
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(value.get(), DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
        return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
      } catch (DateTimeParseException unreadable) {
        return Optional.empty();
      }
    }
  }
}
