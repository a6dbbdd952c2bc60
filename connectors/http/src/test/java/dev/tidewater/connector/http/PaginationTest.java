package dev.tidewater.connector.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.connector.text.FieldTypes;
import dev.tidewater.spi.Connector;
import dev.tidewater.spi.SourceObject;
import dev.tidewater.spi.TidewaterException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each paginator against a real HTTP server holding 25 records, 10 to a page. */
class PaginationTest {
  private static final int TOTAL = 25;
  private static final int PAGE = 10;
  private static ApiServer server;

  @BeforeAll
  static void start() throws Exception {
    server = new ApiServer();
    server.handle(
        "/json-link",
        (exchange, query) -> {
          int page = Integer.parseInt(query.getOrDefault("p", "1"));
          String next =
              page * PAGE < TOTAL ? "\"" + server.url("/json-link?p=" + (page + 1)) + "\"" : "null";
          return ApiServer.Answer.json(
              "{\"items\": "
                  + records((page - 1) * PAGE, PAGE)
                  + ", \"links\": {\"next\": "
                  + next
                  + "}}");
        });
    server.handle(
        "/header-link",
        (exchange, query) -> {
          int page = Integer.parseInt(query.getOrDefault("page", "1"));
          String link =
              "<"
                  + "/header-link?page=1>; rel=\"first\""
                  + (page * PAGE < TOTAL
                      ? ", </header-link?page=" + (page + 1) + ">; rel=\"next\""
                      : "");
          return new ApiServer.Answer(200, Map.of("Link", link), records((page - 1) * PAGE, PAGE));
        });
    server.handle(
        "/offset",
        (exchange, query) -> {
          int offset = Integer.parseInt(query.get("offset"));
          int limit = Integer.parseInt(query.get("limit"));
          return ApiServer.Answer.json(
              "{\"data\": " + records(offset, limit) + ", \"meta\": {\"total\": " + TOTAL + "}}");
        });
    server.handle(
        "/page-number",
        (exchange, query) -> {
          int page = Integer.parseInt(query.get("page"));
          return ApiServer.Answer.json(
              "{\"total_pages\": 3, \"results\": " + records((page - 1) * PAGE, PAGE) + "}");
        });
    server.handle(
        "/cursor",
        (exchange, query) -> {
          int start = query.containsKey("after") ? Integer.parseInt(query.get("after")) : 0;
          String next = start + PAGE < TOTAL ? "\"" + (start + PAGE) + "\"" : "null";
          return ApiServer.Answer.json(
              "{\"records\": " + records(start, PAGE) + ", \"next_cursor\": " + next + "}");
        });
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void clear() {
    server.requests.clear();
  }

  /** Records {@code id} from {@code from} (at most up to TOTAL), with a nested object. */
  static String records(int from, int count) {
    return IntStream.range(from, Math.min(TOTAL, from + count))
        .mapToObj(
            id ->
                "{\"id\": "
                    + id
                    + ", \"name\": \"r"
                    + id
                    + "\", \"owner\": {\"login\": \"u"
                    + id
                    + "\", \"site_admin\": false}, \"updated_at\": \"2024-01-01T00:00:"
                    + String.format("%02d", id)
                    + "Z\"}")
        .collect(Collectors.joining(", ", "[", "]"));
  }

  private static List<Object> ids(List<Map<String, Object>> rows) {
    return rows.stream().map(row -> row.get("id")).collect(Collectors.toList());
  }

  private static List<Object> allIds() {
    return IntStream.range(0, TOTAL).mapToObj(id -> (Object) (long) id).toList();
  }

  @Test
  void jsonLinkFollowsTheNextUrlInTheBody() {
    List<Map<String, Object>> rows =
        Reading.read(
            Map.of(
                "url", server.url("/json-link"),
                "records_path", "$.items",
                "paginator", "json_link",
                "next_url_path", "$.links.next"));
    assertThat(ids(rows)).isEqualTo(allIds());
    assertThat(rows.get(3).get("owner")).isEqualTo(Map.of("login", "u3", "site_admin", false));
    // three pages, three requests: the read takes the first page the schema was inferred from
    assertThat(server.requests).hasSize(3);
  }

  @Test
  void nestedObjectsBecomeStructsThroughTheJsonTypeInference() {
    try (Connector connector =
        Reading.connect(Map.of("url", server.url("/json-link"), "records_path", "$.items"))) {
      Schema schema = connector.discover(SourceObject.SELF);
      assertThat(schema.getFields())
          .extracting(Field::getName, FieldTypes::sqlName)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("id", "BIGINT"),
              org.assertj.core.groups.Tuple.tuple("name", "VARCHAR"),
              org.assertj.core.groups.Tuple.tuple("owner", "ROW"),
              org.assertj.core.groups.Tuple.tuple("updated_at", "TIMESTAMP WITH TIME ZONE"));
    }
    assertThat(server.requests).hasSize(1);
  }

  @Test
  void headerLinkFollowsRfc8288NextLinks() {
    List<Map<String, Object>> rows =
        Reading.read(Map.of("url", server.url("/header-link"), "paginator", "header_link"));
    assertThat(ids(rows)).isEqualTo(allIds());
    assertThat(server.requests).extracting(r -> r.query().get("page")).contains("2", "3");
  }

  @Test
  void theNextLinkIsFoundAmongSeveralLinksAndRelations() {
    java.net.http.HttpHeaders headers =
        java.net.http.HttpHeaders.of(
            Map.of(
                "Link",
                List.of(
                    "<https://a.example/x?page=1>; rel=\"prev first\"",
                    "<https://a.example/x?page=3>; title=\"more\"; REL=\"last next\"")),
            (name, value) -> true);
    assertThat(Paginator.nextLink(headers)).contains("https://a.example/x?page=3");
    assertThat(
            Paginator.nextLink(
                java.net.http.HttpHeaders.of(
                    Map.of("Link", List.of("<https://a.example/x?page=1>; rel=prev")),
                    (name, value) -> true)))
        .isEmpty();
  }

  @Test
  void offsetStopsOnAShortPage() {
    List<Map<String, Object>> rows =
        Reading.read(
            Map.of(
                "url", server.url("/offset"),
                "records_path", "$.data",
                "paginator", "offset",
                "limit", "10"));
    assertThat(ids(rows)).isEqualTo(allIds());
    assertThat(server.requests)
        .extracting(r -> r.query().get("offset"))
        .containsOnly("0", "10", "20");
  }

  @Test
  void offsetStopsAtTheTotal() {
    // pages of 5 end exactly at 25: the total says there is no sixth page to ask for
    List<Map<String, Object>> rows =
        Reading.read(
            Map.of(
                "url", server.url("/offset?sort=id"),
                "records_path", "$.data",
                "paginator", "offset",
                "limit", "5",
                "limit_param", "limit",
                "total_path", "$.meta.total"));
    assertThat(ids(rows)).isEqualTo(allIds());
    assertThat(server.requests).extracting(r -> r.query().get("offset")).doesNotContain("25");
    assertThat(server.requests).allSatisfy(r -> assertThat(r.query()).containsEntry("sort", "id"));
  }

  @Test
  void pageNumberStopsAtTheTotalPages() {
    List<Map<String, Object>> rows =
        Reading.read(
            Map.of(
                "url", server.url("/page-number"),
                "records_path", "$.results",
                "paginator", "page_number",
                "total_pages_path", "$.total_pages"));
    assertThat(ids(rows)).isEqualTo(allIds());
    assertThat(server.requests).extracting(r -> r.query().get("page")).doesNotContain("4");
  }

  @Test
  void pageNumberWithoutATotalStopsOnAnEmptyPage() {
    List<Map<String, Object>> rows =
        Reading.read(
            Map.of(
                "url", server.url("/page-number"),
                "records_path", "$.results",
                "paginator", "page_number"));
    assertThat(ids(rows)).isEqualTo(allIds());
    assertThat(server.requests).extracting(r -> r.query().get("page")).contains("4");
  }

  @Test
  void cursorSendsTheTokenFromTheBodyBack() {
    List<Map<String, Object>> rows =
        Reading.read(
            Map.of(
                "url", server.url("/cursor"),
                "records_path", "$.records",
                "paginator", "cursor",
                "next_cursor_path", "$.next_cursor",
                "next_cursor_param", "after"));
    assertThat(ids(rows)).isEqualTo(allIds());
  }

  @Test
  void maxPagesLimitsARead() {
    List<Map<String, Object>> rows =
        Reading.read(
            Map.of(
                "url", server.url("/json-link"),
                "records_path", "$.items",
                "paginator", "json_link",
                "next_url_path", "$.links.next",
                "max_pages", "2"));
    assertThat(rows).hasSize(20);
  }

  @Test
  void batchesEndWithTheFirstPageThenGrow() {
    // batch rows of 15: the first batch is the first page (10), the next fill up to 15
    List<Map<String, Object>> rows =
        Reading.read(
            Map.of(
                "url", server.url("/json-link"),
                "records_path", "$.items",
                "paginator", "json_link",
                "next_url_path", "$.links.next"),
            List.of(),
            null,
            15);
    assertThat(ids(rows)).isEqualTo(allIds());
  }

  @Test
  void optionsOfAnotherPaginatorAreRejected() {
    assertThatThrownBy(
            () ->
                Reading.connect(
                    Map.of("url", server.url("/x"), "paginator", "cursor", "limit", "10")))
        .isInstanceOf(TidewaterException.class)
        .hasMessage("option 'limit' does not apply to paginator 'cursor'");
    assertThatThrownBy(() -> Reading.connect(Map.of("url", "ftp://example.com/")))
        .hasMessageContaining("must be an http:// or https:// URL");
    assertThatThrownBy(() -> Reading.connect(Map.of("url", server.url("/x"), "colour", "red")))
        .hasMessageContaining("unknown option 'colour'");
  }
}
