package dev.tidewater.flight;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A logged-in client: its gateway session and the statements it is running now. */
final class ClientSession implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);

  private final String id;
  private final String user;
  private final GatewaySession gateway;
  private final Map<String, StatementExecution> running = new ConcurrentHashMap<>();

  ClientSession(String id, String user, GatewaySession gateway) {
    this.id = requireNonNull(id, "id is null");
    this.user = requireNonNull(user, "user is null");
    this.gateway = requireNonNull(gateway, "gateway is null");
  }

  /** An identifier that is safe to log and to use as the Flight peer identity. */
  String id() {
    return id;
  }

  String user() {
    return user;
  }

  GatewaySession gateway() {
    return gateway;
  }

  void started(StatementExecution execution) {
    running.put(execution.id(), execution);
  }

  void ended(StatementExecution execution) {
    running.remove(execution.id());
  }

  /** The running statement with this id, or null. */
  StatementExecution running(String executionId) {
    return running.get(executionId);
  }

  /** Cancels what still runs, then closes the gateway session. */
  @Override
  public void close() {
    for (StatementExecution execution : List.copyOf(running.values())) {
      execution.cancel();
    }
    try {
      gateway.close();
    } catch (RuntimeException e) {
      LOG.warn("Closing the session of user {} failed", user, e);
    }
    LOG.debug("Closed session {} of user {}", id, user);
  }
}
