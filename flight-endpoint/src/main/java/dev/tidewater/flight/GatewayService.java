package dev.tidewater.flight;

/**
 * What the Flight SQL endpoint needs from Tidewater. The {@code server} module implements it by
 * adapting the planner, so that this module depends on the connector SPI and Arrow Flight only.
 */
public interface GatewayService {
  /**
   * Returns true when the password is right. Must compare in constant time and never log the
   * password.
   */
  boolean authenticate(String user, String password);

  /** Opens a session for a user who has just authenticated. */
  GatewaySession openSession(String user);
}
