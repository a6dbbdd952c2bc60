package dev.tidewater.flight;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import org.apache.arrow.flight.FlightProducer;

/**
 * The sessions of logged-in clients, by bearer token. Only a hash of each token is kept: the hash
 * is the session id that calls carry as their peer identity. Idle sessions expire; when the
 * registry is full the least recently used session is closed.
 */
final class SessionRegistry implements AutoCloseable {
  static final Duration IDLE_TIMEOUT = Duration.ofHours(8);
  static final int MAX_SESSIONS = 1_000;

  private final GatewayService service;
  private final SecureRandom random = new SecureRandom();
  private final ExpiringCache<String, ClientSession> sessions;

  SessionRegistry(GatewayService service, Duration idleTimeout, int maxSessions) {
    this.service = requireNonNull(service, "service is null");
    this.sessions = new ExpiringCache<>("session", maxSessions, idleTimeout, ClientSession::close);
  }

  /** A new session and its bearer token, for a user who has just authenticated. */
  Login open(String user) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    String id = idOf(token);
    ClientSession session = new ClientSession(id, user, service.openSession(user));
    sessions.put(id, session);
    return new Login(token, session);
  }

  /** A session and the secret token that names it. */
  record Login(String token, ClientSession session) {}

  /** The session of a bearer token, or null when the token is unknown or expired. */
  ClientSession byToken(String token) {
    return sessions.get(idOf(token));
  }

  /** The session with this id, or null. */
  ClientSession byId(String id) {
    return id == null ? null : sessions.get(id);
  }

  /** The session of a call; a call whose session has expired is {@code UNAUTHENTICATED}. */
  ClientSession of(FlightProducer.CallContext context) {
    ClientSession session = byId(context.peerIdentity());
    if (session == null) {
      throw FlightErrors.unauthenticated("the session has expired: log in again");
    }
    return session;
  }

  /** Closes a session; its token stops working. */
  void close(String id) {
    sessions.invalidate(id);
  }

  int size() {
    return sessions.size();
  }

  @Override
  public void close() {
    sessions.close();
  }

  private static String idOf(String token) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
