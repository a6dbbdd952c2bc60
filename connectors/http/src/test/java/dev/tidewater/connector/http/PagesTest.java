package dev.tidewater.connector.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.spi.ColumnPredicate;
import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.TidewaterException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Malformed pages, records that do not fit, and the incremental cursor sent to the API. */
class PagesTest {
  private static ApiServer server;

  @BeforeAll
  static void start() throws Exception {
    server = new ApiServer();
    // page 2 is an HTML error page served with 200
    server.handle(
        "/html",
        (exchange, query) ->
            query.containsKey("page")
                ? ApiServer.Answer.json("<html><body>Bad gateway</body></html>")
                : ApiServer.Answer.json("{\"items\": [{\"id\": 1}], \"next\": \"/html?page=2\"}"));
    server.handle(
        "/no-items",
        (exchange, query) ->
            query.containsKey("page")
                ? ApiServer.Answer.json("{\"error\": \"gone\"}")
                : ApiServer.Answer.json(
                    "{\"items\": [{\"id\": 1}], \"next\": \"/no-items?page=2\"}"));
    server.handle(
        "/truncated",
        (exchange, query) -> ApiServer.Answer.json("{\"items\": [{\"id\": 1}, {\"id\": 2"));
    server.handle(
        "/mixed",
        (exchange, query) ->
            ApiServer.Answer.json(
                "{\"items\": [{\"id\": 1, \"n\": 5}, {\"id\": 2, \"n\": \"many\"}, {\"id\": 3,"
                    + " \"n\": 7}]}"));
    server.handle(
        "/scalars",
        (exchange, query) ->
            ApiServer.Answer.json("{\"items\": [{\"id\": 1}, 42, null, [1, 2], {\"id\": 3}]}"));
    server.handle(
        "/since",
        (exchange, query) ->
            ApiServer.Answer.json(
                "{\"data\": [{\"id\": 1, \"updated_at\": \"2024-03-01T10:00:00Z\", \"day\":"
                    + " \"2024-03-01\"}]}"));
    server.handle(
        "/single",
        (exchange, query) ->
            ApiServer.Answer.json(
                "{\"meta\": {\"n\": 1}, \"result\": {\"id\": 7, \"tags\": [\"a\"]}}"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void clear() {
    server.requests.clear();
  }

  private static Map<String, String> linked(String path) {
    return Map.of("url", server.url(path), "records_path", "$.items", "paginator", "json_link");
  }

  @Test
  void aPageThatIsNotJsonNamesThePageAndItsUrl() {
    assertThatThrownBy(() -> Reading.read(linked("/html")))
        .isInstanceOf(TidewaterException.class)
        .satisfies(e -> assertThat(((TidewaterException) e).kind()).isEqualTo(ErrorKind.USER))
        .hasMessageStartingWith(
            "HTTP source 'api': page 2 (GET " + server.url("/html?page=2") + "): not valid JSON:")
        .hasMessageContaining("line 1, column 1");
  }

  @Test
  void aPageWithoutTheRecordsPathIsAnError() {
    assertThatThrownBy(() -> Reading.read(linked("/no-items")))
        .hasMessage(
            "HTTP source 'api': page 2 (GET "
                + server.url("/no-items?page=2")
                + "): nothing at records_path '$.items'");
  }

  @Test
  void aTruncatedPageIsAnError() {
    assertThatThrownBy(
            () -> Reading.read(Map.of("url", server.url("/truncated"), "records_path", "$.items")))
        .hasMessageContaining("page 1 (GET " + server.url("/truncated") + "): not valid JSON");
  }

  @Test
  void aRecordThatDoesNotFitIsAnErrorOrRejectedWithItsText() {
    // the schema comes from the first record only
    Map<String, String> options =
        Map.of("url", server.url("/mixed"), "records_path", "$.items", "sample_rows", "1");
    assertThatThrownBy(() -> Reading.read(options))
        .hasMessage("api page 1 record 2: column 'n': cannot read 'many' as BIGINT");
    List<String> rejected = new ArrayList<>();
    List<Map<String, Object>> rows =
        Reading.read(
            options,
            List.of(),
            (position, reason, record) -> rejected.add(position + " | " + reason + " | " + record),
            1000);
    assertThat(rows).extracting(row -> row.get("id")).containsExactly(1L, 3L);
    assertThat(rejected)
        .containsExactly(
            "api page 1 record 2 | column 'n': cannot read 'many' as BIGINT | {\"id\": 2, \"n\":"
                + " \"many\"}");
  }

  @Test
  void aPageLargerThanTheLimitIsAnError() {
    assertThatThrownBy(
            () ->
                Reading.read(
                    Map.of(
                        "url", server.url("/mixed"),
                        "records_path", "$.items",
                        "max_page_bytes", "20")))
        .hasMessage(
            "HTTP source 'api': page 1 (GET "
                + server.url("/mixed")
                + ") is larger than max_page_bytes (20 bytes); ask the API for smaller pages or"
                + " raise the option");
  }

  @Test
  void recordsThatAreNotObjectsAreAnErrorOrRejected() {
    Map<String, String> options = Map.of("url", server.url("/scalars"), "records_path", "$.items");
    assertThatThrownBy(() -> Reading.read(options))
        .hasMessage(
            "HTTP source 'api': page 1 (GET "
                + server.url("/scalars")
                + "): record 2: expected a JSON object as a record but found a number");
    List<String> rejected = new ArrayList<>();
    List<Map<String, Object>> rows =
        Reading.read(
            options,
            List.of(),
            (position, reason, record) -> rejected.add(position + " | " + record),
            1000);
    assertThat(rows).extracting(row -> row.get("id")).containsExactly(1L, 3L);
    assertThat(rejected)
        .containsExactly("api page 1 record 2 | 42", "api page 1 record 3 | [1, 2]");
  }

  @Test
  void aSingleObjectAtTheRecordsPathIsOneRecord() {
    List<Map<String, Object>> rows =
        Reading.read(Map.of("url", server.url("/single"), "records_path", "$.result"));
    assertThat(rows).containsExactly(Map.of("id", 7L, "tags", List.of("a")));
  }

  @Test
  void theIncrementalCursorGoesToTheCursorParameter() {
    long micros = java.time.Instant.parse("2024-02-01T12:30:00Z").toEpochMilli() * 1000;
    Map<String, String> options =
        Map.of("url", server.url("/since"), "records_path", "$.data", "cursor_param", "since");
    Reading.read(
        options,
        List.of(new ColumnPredicate("updated_at", ColumnPredicate.Operator.GREATER_THAN, micros)),
        null,
        1000);
    // the schema's sample is fetched without the cursor, the read with it
    assertThat(server.requests)
        .extracting(r -> r.query().get("since"))
        .containsExactly(null, "2024-02-01T12:30:00Z");

    server.requests.clear();
    Reading.read(
        Map.of(
            "url", server.url("/since"),
            "records_path", "$.data",
            "cursor_param", "updated_since",
            "cursor_format", "epoch_seconds"),
        List.of(
            new ColumnPredicate(
                "updated_at", ColumnPredicate.Operator.GREATER_THAN_OR_EQUAL, micros)),
        null,
        1000);
    assertThat(server.requests.get(1).query()).containsEntry("updated_since", "1706790600");

    server.requests.clear();
    Reading.read(
        Map.of(
            "url", server.url("/since"),
            "records_path", "$.data",
            "cursor_param", "from",
            "cursor_format", "yyyy/MM/dd"),
        List.of(
            new ColumnPredicate(
                "day",
                ColumnPredicate.Operator.GREATER_THAN,
                java.time.LocalDate.parse("2024-02-29").toEpochDay())),
        null,
        1000);
    assertThat(server.requests.get(1).query()).containsEntry("from", "2024/02/29");
  }
}
