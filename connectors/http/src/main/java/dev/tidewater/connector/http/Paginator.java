package dev.tidewater.connector.http;

import static java.util.Objects.requireNonNull;

import dev.tidewater.connector.text.JsonKeyPath;
import dev.tidewater.spi.TidewaterException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the URL of each page of one read ({@code paginator} option), one instance per read. After a
 * page is read, {@link #next} is told what it held: its URL, headers, number of records and the
 * values at the paths the paginator asked for ({@link Config#paths}).
 */
final class Paginator {
  /** The paginator kinds. */
  enum Kind {
    NONE,
    JSON_LINK,
    HEADER_LINK,
    OFFSET,
    PAGE_NUMBER,
    CURSOR
  }

  /**
   * The paginator options.
   *
   * @param path the JSON path the paginator reads from each page: the next URL (json_link), the
   *     next cursor (cursor) or the total count (offset: records, page_number: pages); or null
   */
  record Config(
      Kind kind,
      JsonKeyPath path,
      String limitParam,
      int limit,
      String offsetParam,
      int offsetStart,
      String pageParam,
      int pageStart,
      String cursorParam) {
    static final String NEXT_URL_PATH = "next_url_path";
    static final String LIMIT = "limit";
    static final String LIMIT_PARAM = "limit_param";
    static final String OFFSET_PARAM = "offset_param";
    static final String OFFSET_START = "offset_start";
    static final String TOTAL_PATH = "total_path";
    static final String PAGE_PARAM = "page_param";
    static final String PAGE_START = "page_start";
    static final String TOTAL_PAGES_PATH = "total_pages_path";
    static final String NEXT_CURSOR_PATH = "next_cursor_path";
    static final String NEXT_CURSOR_PARAM = "next_cursor_param";

    static final Set<String> OPTIONS =
        Set.of(
            NEXT_URL_PATH,
            LIMIT,
            LIMIT_PARAM,
            OFFSET_PARAM,
            OFFSET_START,
            TOTAL_PATH,
            PAGE_PARAM,
            PAGE_START,
            TOTAL_PAGES_PATH,
            NEXT_CURSOR_PATH,
            NEXT_CURSOR_PARAM);

    /** Which options belong to which paginator, to reject those that would do nothing. */
    private static final Map<Kind, Set<String>> OWN_OPTIONS =
        Map.of(
            Kind.NONE, Set.of(),
            Kind.HEADER_LINK, Set.of(),
            Kind.JSON_LINK, Set.of(NEXT_URL_PATH),
            Kind.OFFSET, Set.of(LIMIT, LIMIT_PARAM, OFFSET_PARAM, OFFSET_START, TOTAL_PATH),
            Kind.PAGE_NUMBER, Set.of(PAGE_PARAM, PAGE_START, TOTAL_PAGES_PATH),
            Kind.CURSOR, Set.of(NEXT_CURSOR_PATH, NEXT_CURSOR_PARAM));

    Config {
      requireNonNull(kind, "kind is null");
    }

    static Config parse(HttpOptions.Options options) {
      String name =
          options.choice(
              HttpOptions.PAGINATOR,
              "none",
              List.of("none", "json_link", "header_link", "offset", "page_number", "cursor"));
      Kind kind = Kind.valueOf(name.toUpperCase(java.util.Locale.ROOT));
      for (String option : OPTIONS) {
        if (options.has(option) && !OWN_OPTIONS.get(kind).contains(option)) {
          throw TidewaterException.user(
              "option '%s' does not apply to paginator '%s'", option, name);
        }
      }
      JsonKeyPath path =
          switch (kind) {
            case JSON_LINK ->
                JsonKeyPath.parse(NEXT_URL_PATH, options.text(NEXT_URL_PATH, "$.next"));
            case CURSOR ->
                JsonKeyPath.parse(
                    NEXT_CURSOR_PATH, options.text(NEXT_CURSOR_PATH, "$.next_cursor"));
            case OFFSET ->
                options.has(TOTAL_PATH)
                    ? JsonKeyPath.parse(TOTAL_PATH, options.text(TOTAL_PATH))
                    : null;
            case PAGE_NUMBER ->
                options.has(TOTAL_PAGES_PATH)
                    ? JsonKeyPath.parse(TOTAL_PAGES_PATH, options.text(TOTAL_PAGES_PATH))
                    : null;
            default -> null;
          };
      if (path != null && path.isRoot()) {
        throw TidewaterException.user(
            "the paginator's path must name a key of the page, not the page itself ('%s')", path);
      }
      return new Config(
          kind,
          path,
          options.text(LIMIT_PARAM, "limit"),
          options.positive(LIMIT, 100),
          options.text(OFFSET_PARAM, "offset"),
          options.nonNegative(OFFSET_START, 0),
          options.text(PAGE_PARAM, "page"),
          options.nonNegative(PAGE_START, 1),
          options.text(NEXT_CURSOR_PARAM, "cursor"));
    }

    /** The paths whose values each page must report. */
    List<JsonKeyPath> paths() {
      return path == null ? List.of() : List.of(path);
    }
  }

  /** What one page held, as far as pagination cares. */
  record Page(URI uri, HttpHeaders headers, int records, Map<JsonKeyPath, String> values) {}

  private static final Pattern LINK =
      Pattern.compile("<([^>]*)>\\s*((?:;\\s*[^;,]+)*)", Pattern.CASE_INSENSITIVE);
  private static final Pattern REL_NEXT =
      Pattern.compile(";\\s*rel\\s*=\\s*\"?([^\";]*)\"?", Pattern.CASE_INSENSITIVE);

  private final Config config;
  private final URI base;
  private long offset;
  private long page;
  private String lastCursor;

  Paginator(Config config, URI base) {
    this.config = requireNonNull(config, "config is null");
    this.base = requireNonNull(base, "base is null");
    this.offset = config.offsetStart();
    this.page = config.pageStart();
  }

  /** The URL of the first page. */
  URI first() {
    return switch (config.kind()) {
      case OFFSET -> offsetUri();
      case PAGE_NUMBER -> QueryParameters.with(base, config.pageParam(), Long.toString(page));
      default -> base;
    };
  }

  /** The URL of the page after {@code current}, or empty when {@code current} was the last. */
  Optional<URI> next(Page current) {
    switch (config.kind()) {
      case JSON_LINK:
        return text(current, config.path())
            .map(link -> current.uri().resolve(link.trim()))
            .filter(next -> !next.equals(current.uri()));
      case HEADER_LINK:
        return nextLink(current.headers())
            .map(link -> current.uri().resolve(link))
            .filter(next -> !next.equals(current.uri()));
      case OFFSET:
        if (current.records() < config.limit()) {
          return Optional.empty(); // a short page is the last
        }
        offset += current.records();
        Optional<Long> total = number(current, config.path());
        if (total.isPresent() && offset >= total.get()) {
          return Optional.empty();
        }
        return Optional.of(offsetUri());
      case PAGE_NUMBER:
        if (current.records() == 0) {
          return Optional.empty();
        }
        Optional<Long> pages = number(current, config.path());
        if (pages.isPresent() && page - config.pageStart() + 1 >= pages.get()) {
          return Optional.empty();
        }
        page++;
        return Optional.of(QueryParameters.with(base, config.pageParam(), Long.toString(page)));
      case CURSOR:
        Optional<String> cursor = text(current, config.path());
        if (cursor.isEmpty() || cursor.get().equals(lastCursor)) {
          return Optional.empty();
        }
        lastCursor = cursor.get();
        return Optional.of(QueryParameters.with(base, config.cursorParam(), lastCursor));
      default:
        return Optional.empty();
    }
  }

  private URI offsetUri() {
    URI uri = QueryParameters.with(base, config.limitParam(), Integer.toString(config.limit()));
    return QueryParameters.with(uri, config.offsetParam(), Long.toString(offset));
  }

  private static Optional<String> text(Page page, JsonKeyPath path) {
    return Optional.ofNullable(page.values().get(path)).filter(value -> !value.isBlank());
  }

  private Optional<Long> number(Page page, JsonKeyPath path) {
    if (path == null) {
      return Optional.empty();
    }
    Optional<String> value = text(page, path);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(value.get().trim()));
    } catch (NumberFormatException e) {
      throw TidewaterException.user(
          "the value at '%s' must be a whole number, not '%s'", path, value.get());
    }
  }

  /** The target of the {@code rel="next"} link of RFC 8288 {@code Link} headers, if any. */
  static Optional<String> nextLink(HttpHeaders headers) {
    for (String header : headers.allValues("Link")) {
      Matcher link = LINK.matcher(header);
      while (link.find()) {
        Matcher rel = REL_NEXT.matcher(link.group(2));
        while (rel.find()) {
          for (String relation : rel.group(1).trim().split("\\s+")) {
            if (relation.equalsIgnoreCase("next")) {
              return Optional.of(link.group(1).trim());
            }
          }
        }
      }
    }
    return Optional.empty();
  }
}
