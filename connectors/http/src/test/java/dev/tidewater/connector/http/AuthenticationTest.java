package dev.tidewater.connector.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.TidewaterException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each kind of credentials, checked by a real server; secrets never appear in messages. */
class AuthenticationTest {
  private static final String TOKEN = "tok-s3cr3t-value";
  private static final String PASSWORD = "pa ss/w0rd";
  private static final String KEY = "k3y-s3cr3t";
  private static final String RECORDS = "[{\"id\": 1}, {\"id\": 2}]";
  private static ApiServer server;

  @BeforeAll
  static void start() throws Exception {
    server = new ApiServer();
    server.handle(
        "/bearer",
        (exchange, query) ->
            ("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))
                ? ApiServer.Answer.json(RECORDS)
                : ApiServer.Answer.status(401, "{\"error\": \"bad token\"}"));
    String basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(("etl:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    server.handle(
        "/basic",
        (exchange, query) ->
            basic.equals(exchange.getRequestHeaders().getFirst("Authorization"))
                ? ApiServer.Answer.json(RECORDS)
                : ApiServer.Answer.status(401, ""));
    server.handle(
        "/key-header",
        (exchange, query) ->
            KEY.equals(exchange.getRequestHeaders().getFirst("X-Api-Token"))
                ? ApiServer.Answer.json(RECORDS)
                : ApiServer.Answer.status(403, ""));
    server.handle(
        "/key-query",
        (exchange, query) ->
            KEY.equals(query.get("api_key"))
                ? ApiServer.Answer.json(RECORDS)
                : ApiServer.Answer.status(403, ""));
    // echoes what it got, as some APIs do in their error bodies
    server.handle(
        "/echo",
        (exchange, query) ->
            ApiServer.Answer.status(
                400,
                "{\"error\": \"bad request\", \"auth\": \""
                    + exchange.getRequestHeaders().getFirst("Authorization")
                    + "\", \"key\": \""
                    + query.get("api_key")
                    + "\"}"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void bearer() {
    assertThat(Reading.read(Map.of("url", server.url("/bearer"), "auth", "bearer", "token", TOKEN)))
        .hasSize(2);
  }

  @Test
  void basic() {
    assertThat(
            Reading.read(
                Map.of(
                    "url",
                    server.url("/basic"),
                    "auth",
                    "basic",
                    "user",
                    "etl",
                    "password",
                    PASSWORD)))
        .hasSize(2);
  }

  @Test
  void apiKeyInAHeader() {
    assertThat(
            Reading.read(
                Map.of(
                    "url",
                    server.url("/key-header"),
                    "auth",
                    "api_key",
                    "api_key_name",
                    "X-Api-Token",
                    "api_key",
                    KEY)))
        .hasSize(2);
  }

  @Test
  void apiKeyInTheQuery() {
    assertThat(
            Reading.read(
                Map.of(
                    "url", server.url("/key-query"),
                    "auth", "api_key",
                    "api_key_name", "api_key",
                    "api_key_location", "query",
                    "api_key", KEY)))
        .hasSize(2);
  }

  @Test
  void aRefusedTokenIsAClearErrorWithoutTheToken() {
    assertThatThrownBy(
            () ->
                Reading.read(
                    Map.of("url", server.url("/bearer"), "auth", "bearer", "token", "wrong-one")))
        .isInstanceOf(TidewaterException.class)
        .satisfies(e -> assertThat(((TidewaterException) e).kind()).isEqualTo(ErrorKind.EXTERNAL))
        .hasMessageContaining("HTTP source 'api': page 1 (GET " + server.url("/bearer") + ")")
        .hasMessageContaining("status 401")
        .hasMessageNotContaining("wrong-one");
  }

  @Test
  void secretsAreMaskedInUrlsAndEchoedBodies() {
    assertThatThrownBy(
            () ->
                Reading.read(
                    Map.of(
                        "url", server.url("/echo"),
                        "auth", "api_key",
                        "api_key_name", "api_key",
                        "api_key_location", "query",
                        "api_key", KEY)))
        .hasMessageContaining("status 400")
        .hasMessageContaining("api_key=***")
        .hasMessageNotContaining(KEY);
    assertThatThrownBy(
            () ->
                Reading.read(
                    Map.of(
                        "url",
                        server.url("/echo"),
                        "auth",
                        "basic",
                        "user",
                        "etl",
                        "password",
                        PASSWORD)))
        .hasMessageContaining("\"auth\": \"Basic ***\"")
        .hasMessageNotContaining(PASSWORD)
        .hasMessageNotContaining(
            Base64.getEncoder()
                .encodeToString(("etl:" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void redirectsAreFollowedWithinTheOriginOnly() throws Exception {
    server.handle(
        "/moved",
        (exchange, query) -> new ApiServer.Answer(301, Map.of("Location", "/bearer"), ""));
    assertThat(Reading.read(Map.of("url", server.url("/moved"), "auth", "bearer", "token", TOKEN)))
        .hasSize(2);
    try (ApiServer other = new ApiServer()) {
      other.handle("/elsewhere", (exchange, query) -> ApiServer.Answer.json(RECORDS));
      server.handle(
          "/away",
          (exchange, query) ->
              new ApiServer.Answer(302, Map.of("Location", other.url("/elsewhere")), ""));
      assertThatThrownBy(
              () ->
                  Reading.read(
                      Map.of("url", server.url("/away"), "auth", "bearer", "token", TOKEN)))
          .hasMessageContaining("redirects to another origin (" + other.url("/elsewhere") + ")")
          .hasMessageNotContaining(TOKEN);
      assertThat(other.requests).isEmpty();
    }
  }

  @Test
  void theSecretOptionsAreNamedSecret() {
    assertThat(new HttpConnectorFactory().secretOptionNames())
        .containsExactlyInAnyOrder("token", "password", "api_key");
  }

  @Test
  void credentialsWithoutAnAuthKindAreRejected() {
    assertThatThrownBy(() -> Reading.connect(Map.of("url", server.url("/x"), "token", TOKEN)))
        .hasMessage("option 'token' is set but option 'auth' is not (bearer, basic or api_key)");
    assertThatThrownBy(() -> Reading.connect(Map.of("url", server.url("/x"), "auth", "bearer")))
        .hasMessage("an HTTP source needs option 'token'");
  }
}
