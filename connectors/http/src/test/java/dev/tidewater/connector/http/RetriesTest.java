package dev.tidewater.connector.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Retries on 429 and 5xx with Retry-After and backoff, timeouts, and the error when they end. */
class RetriesTest {
  private static final String RECORDS = "[{\"id\": 1}, {\"id\": 2}]";
  private static final AtomicInteger limited = new AtomicInteger();
  private static final AtomicInteger burst = new AtomicInteger();
  private static final CountDownLatch release = new CountDownLatch(1);
  private static ApiServer server;

  @BeforeAll
  static void start() throws Exception {
    server = new ApiServer();
    // the first request is told to come back in one second
    server.handle(
        "/limited",
        (exchange, query) ->
            limited.getAndIncrement() == 0
                ? new ApiServer.Answer(429, Map.of("Retry-After", "1"), "slow down")
                : ApiServer.Answer.json(RECORDS));
    // three 503 and a 502, then answers
    server.handle(
        "/burst",
        (exchange, query) ->
            switch (burst.getAndIncrement()) {
              case 0, 1, 2 -> ApiServer.Answer.status(503, "");
              case 3 -> ApiServer.Answer.status(502, "");
              default -> ApiServer.Answer.json(RECORDS);
            });
    server.handle("/down", (exchange, query) -> ApiServer.Answer.status(503, "maintenance"));
    server.handle("/broken", (exchange, query) -> ApiServer.Answer.status(500, "oops"));
    // the headers and half the body, then nothing
    server.handle(
        "/half",
        (exchange, query) -> {
          exchange.sendResponseHeaders(200, 100);
          exchange.getResponseBody().write("[{\"id\": 1}, ".getBytes(StandardCharsets.UTF_8));
          exchange.getResponseBody().flush();
          release.await(30, TimeUnit.SECONDS);
          throw new IllegalStateException("released");
        });
    server.handle(
        "/hang",
        (exchange, query) -> {
          release.await(30, TimeUnit.SECONDS);
          return ApiServer.Answer.json(RECORDS);
        });
  }

  @Test
  void aBodyThatStopsHalfWayTimesOut() {
    assertThatThrownBy(
            () ->
                Reading.read(
                    Map.of(
                        "url", server.url("/half"),
                        "timeout_seconds", "1",
                        "max_retries", "0")))
        .hasMessageContaining("page 1 (GET " + server.url("/half") + ") failed after 1 attempts")
        .hasMessageContaining("no answer within 1 s (timeout)");
  }

  @AfterAll
  static void stop() {
    release.countDown();
    server.close();
  }

  @Test
  void a429WaitsWhatRetryAfterSays() {
    long start = System.nanoTime();
    assertThat(Reading.read(Map.of("url", server.url("/limited"), "retry_delay_ms", "1")))
        .hasSize(2);
    // Retry-After: 1 outweighs the 1 ms backoff
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(950);
  }

  @Test
  void a503BurstIsRetriedWithBackoff() {
    assertThat(Reading.read(Map.of("url", server.url("/burst"), "retry_delay_ms", "10")))
        .hasSize(2);
    assertThat(burst.get()).isEqualTo(5); // 4 failures, then the schema's page, kept for the read
  }

  @Test
  void retriesEndWithAnErrorNamingTheUrlAndTheLastStatus() {
    assertThatThrownBy(
            () ->
                Reading.read(
                    Map.of(
                        "url", server.url("/down?key=abc"),
                        "max_retries", "2",
                        "retry_delay_ms", "5")))
        .hasMessage(
            "HTTP source 'api': page 1 (GET "
                + server.url("/down?key=abc")
                + ") failed after 3 attempts; last: status 503: maintenance");
  }

  @Test
  void otherStatusesAreNotRetried() {
    int before = server.requests.size();
    assertThatThrownBy(() -> Reading.read(Map.of("url", server.url("/broken"))))
        .hasMessageContaining("failed with status 500: oops");
    assertThat(server.requests.size() - before).isEqualTo(1);
  }

  @Test
  void aHangingServerTimesOut() {
    assertThatThrownBy(
            () ->
                Reading.read(
                    Map.of(
                        "url", server.url("/hang"),
                        "timeout_seconds", "1",
                        "max_retries", "1",
                        "retry_delay_ms", "5")))
        .hasMessageContaining("page 1 (GET " + server.url("/hang") + ") failed after 2 attempts")
        .hasMessageContaining("no answer within 1 s (timeout)");
  }

  @Test
  void aServerThatIsNotThereIsAConnectionError() {
    assertThatThrownBy(
            () ->
                Reading.read(
                    Map.of(
                        "url", "http://127.0.0.1:1/x", "max_retries", "1", "retry_delay_ms", "5")))
        .hasMessageContaining("failed after 2 attempts; last: connection error");
  }

  @Test
  void backoffDoublesWithJitterAndStaysUnderTheMaximum() {
    RetryPolicy policy =
        new RetryPolicy(
            5,
            java.time.Duration.ofMillis(100),
            java.time.Duration.ofMillis(1000),
            java.time.Duration.ofSeconds(1));
    for (int i = 0; i < 50; i++) {
      assertThat(policy.delay(1, null).toMillis()).isBetween(50L, 100L);
      assertThat(policy.delay(3, null).toMillis()).isBetween(200L, 400L);
      assertThat(policy.delay(10, null).toMillis()).isBetween(500L, 1000L);
    }
    assertThat(policy.delay(1, java.time.Duration.ofSeconds(5)).toMillis()).isEqualTo(1000);
  }
}
