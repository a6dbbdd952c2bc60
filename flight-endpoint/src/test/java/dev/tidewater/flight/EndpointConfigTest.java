package dev.tidewater.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.TidewaterException;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

class EndpointConfigTest {
  @Test
  void plaintextOffLoopbackNeedsAnExplicitChoice() throws Exception {
    try (BufferAllocator allocator = new RootAllocator()) {
      EndpointConfig config =
          new EndpointConfig(
              "0.0.0.0",
              0,
              null,
              null,
              EndpointConfig.DEFAULT_STATEMENT_TTL,
              EndpointConfig.DEFAULT_MAX_STATEMENTS,
              EndpointConfig.Plaintext.ANY_HOST);
      try (FlightEndpoint endpoint = FlightEndpoint.start(new FakeGateway(), allocator, config)) {
        assertThat(endpoint.port()).isPositive();
      }
    }
  }

  @Test
  void plaintextIsRefusedOffLoopback() {
    try (BufferAllocator allocator = new RootAllocator()) {
      assertThatThrownBy(
              () ->
                  FlightEndpoint.start(
                      new FakeGateway(), allocator, EndpointConfig.plaintext("0.0.0.0", 0)))
          .isInstanceOfSatisfying(
              TidewaterException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.USER))
          .hasMessageContaining("plaintext on 0.0.0.0")
          .hasMessageContaining("tls.cert and tls.key");
      assertThat(allocator.getAllocatedMemory()).isZero();
    }
  }

  @Test
  void tlsNeedsBothCertificateAndKey() {
    assertThatThrownBy(
            () ->
                new EndpointConfig(
                    "0.0.0.0", 0, Path.of("cert.pem"), null, Duration.ofMinutes(1), 10))
        .isInstanceOf(TidewaterException.class)
        .hasMessageContaining("both a certificate (tls.cert) and a private key (tls.key)");
  }

  @Test
  void missingTlsFilesAreAClearStartError() {
    EndpointConfig config =
        new EndpointConfig(
            "0.0.0.0",
            0,
            Path.of("missing-cert.pem"),
            Path.of("missing-key.pem"),
            Duration.ofMinutes(1),
            10);
    try (BufferAllocator allocator = new RootAllocator()) {
      assertThatThrownBy(() -> FlightEndpoint.start(new FakeGateway(), allocator, config))
          .isInstanceOf(TidewaterException.class)
          .hasMessageContaining("cannot listen on 0.0.0.0:0")
          .hasMessageContaining("missing-cert.pem");
      assertThat(allocator.getAllocatedMemory()).isZero();
    }
  }

  @Test
  void limitsMustBePositive() {
    assertThatThrownBy(() -> new EndpointConfig("localhost", 70_000, null, null, Duration.ZERO, 1))
        .isInstanceOf(TidewaterException.class)
        .hasMessageContaining("between 0 and 65535");
    assertThatThrownBy(() -> new EndpointConfig("localhost", 0, null, null, Duration.ZERO, 1))
        .hasMessageContaining("statement TTL must be positive");
    assertThatThrownBy(
            () -> new EndpointConfig("localhost", 0, null, null, Duration.ofSeconds(1), 0))
        .hasMessageContaining("max statements must be positive");
  }
}
