package dev.tidewater.flight;

import static dev.tidewater.spi.TidewaterException.check;
import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where and how the Flight SQL endpoint listens. {@code port} 0 picks a free port; {@code tlsCert}
 * and {@code tlsKey} (PEM files) are both set or both null; {@code statementTtl} is how long an
 * idle prepared statement or unread result lives; {@code maxStatements} bounds each of those
 * caches.
 */
public record EndpointConfig(
    String host,
    int port,
    Path tlsCert,
    Path tlsKey,
    Duration statementTtl,
    int maxStatements,
    Plaintext plaintext) {
  public static final Duration DEFAULT_STATEMENT_TTL = Duration.ofMinutes(30);
  public static final int DEFAULT_MAX_STATEMENTS = 10_000;

  /** Where the endpoint may serve without TLS. */
  public enum Plaintext {
    /** Only on a loopback host: the default. */
    LOOPBACK_ONLY,
    /** On any host, for a trusted private network (a container network behind a TLS proxy). */
    ANY_HOST
  }

  /** An endpoint that serves plaintext on loopback hosts only. */
  public EndpointConfig(
      String host, int port, Path tlsCert, Path tlsKey, Duration statementTtl, int maxStatements) {
    this(host, port, tlsCert, tlsKey, statementTtl, maxStatements, Plaintext.LOOPBACK_ONLY);
  }

  public EndpointConfig {
    requireNonNull(host, "host is null");
    requireNonNull(plaintext, "plaintext is null");
    requireNonNull(statementTtl, "statementTtl is null");
    check(port >= 0 && port <= 65_535, "Flight port must be between 0 and 65535, not %d", port);
    check(
        (tlsCert == null) == (tlsKey == null),
        "TLS needs both a certificate (tls.cert) and a private key (tls.key)");
    check(
        !statementTtl.isNegative() && !statementTtl.isZero(),
        "statement TTL must be positive, not %s",
        statementTtl);
    check(maxStatements > 0, "max statements must be positive, not %d", maxStatements);
  }

  /** Plaintext on a loopback host with default limits. */
  public static EndpointConfig plaintext(String host, int port) {
    return new EndpointConfig(
        host, port, null, null, DEFAULT_STATEMENT_TTL, DEFAULT_MAX_STATEMENTS);
  }

  /** True when the endpoint encrypts its traffic. */
  public boolean tls() {
    return tlsCert != null;
  }
}
