package dev.tidewater.flight;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.auth2.Auth2Constants;
import org.apache.arrow.flight.auth2.AuthUtilities;
import org.apache.arrow.flight.auth2.CallHeaderAuthenticator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates every call: {@code Authorization: Basic} checks user and password with the gateway
 * and answers a new bearer token in the response headers (as Arrow's {@code
 * GeneratedBearerTokenAuthenticator} does); {@code Authorization: Bearer} must name a live session.
 * Nothing passes without one of them.
 */
final class BearerTokenAuthenticator implements CallHeaderAuthenticator {
  private static final Logger LOG = LoggerFactory.getLogger(BearerTokenAuthenticator.class);

  private final GatewayService service;
  private final SessionRegistry sessions;

  BearerTokenAuthenticator(GatewayService service, SessionRegistry sessions) {
    this.service = requireNonNull(service, "service is null");
    this.sessions = requireNonNull(sessions, "sessions is null");
  }

  @Override
  public AuthResult authenticate(CallHeaders headers) {
    String bearer = AuthUtilities.getValueFromAuthHeader(headers, Auth2Constants.BEARER_PREFIX);
    if (bearer != null) {
      ClientSession session = sessions.byToken(bearer);
      if (session == null) {
        throw FlightErrors.unauthenticated(
            "invalid or expired bearer token: log in again with user and password");
      }
      return session::id;
    }
    String basic = AuthUtilities.getValueFromAuthHeader(headers, Auth2Constants.BASIC_PREFIX);
    if (basic == null) {
      throw FlightErrors.unauthenticated(
          "missing credentials: send a user and password (Basic) or a bearer token");
    }
    return logIn(basic);
  }

  private AuthResult logIn(String basic) {
    String credentials;
    try {
      credentials = new String(Base64.getDecoder().decode(basic.trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw FlightErrors.unauthenticated("malformed Basic credentials: not Base64");
    }
    int colon = credentials.indexOf(':');
    if (colon < 0) {
      throw FlightErrors.unauthenticated("malformed Basic credentials: expected user:password");
    }
    String user = credentials.substring(0, colon);
    boolean valid;
    try {
      valid = service.authenticate(user, credentials.substring(colon + 1));
    } catch (RuntimeException e) {
      throw FlightErrors.toFlight(e);
    }
    if (!valid) {
      LOG.info("Failed login of user {}", user);
      throw FlightErrors.unauthenticated("invalid user or password");
    }
    SessionRegistry.Login login = sessions.open(user);
    ClientSession session = login.session();
    String token = login.token();
    LOG.info("User {} logged in (session {})", user, session.id());
    return new AuthResult() {
      @Override
      public String getPeerIdentity() {
        return session.id();
      }

      @Override
      public void appendToOutgoingHeaders(CallHeaders outgoing) {
        if (!outgoing.containsKey(Auth2Constants.AUTHORIZATION_HEADER)) {
          outgoing.insert(
              Auth2Constants.AUTHORIZATION_HEADER, Auth2Constants.BEARER_PREFIX + token);
        }
      }
    };
  }
}
