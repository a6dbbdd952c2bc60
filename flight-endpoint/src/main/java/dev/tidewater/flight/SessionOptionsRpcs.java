package dev.tidewater.flight;

import static java.util.Objects.requireNonNull;

import dev.tidewater.spi.TidewaterException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.arrow.flight.GetSessionOptionsResult;
import org.apache.arrow.flight.NoOpSessionOptionValueVisitor;
import org.apache.arrow.flight.SessionOptionValue;
import org.apache.arrow.flight.SessionOptionValueFactory;
import org.apache.arrow.flight.SetSessionOptionsRequest;
import org.apache.arrow.flight.SetSessionOptionsResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flight's {@code SetSessionOptions} / {@code GetSessionOptions}: the options {@code catalog} and
 * {@code schema} (what the Flight SQL JDBC driver's {@code catalog} connection property sends) are
 * the session's current catalog and namespace, the same as {@code SET CATALOG} / {@code SET
 * SCHEMA}. Each option is answered on its own: a bad one is an error of that option only.
 */
final class SessionOptionsRpcs {
  static final String CATALOG = "catalog";
  static final String SCHEMA = "schema";
  private static final Logger LOG = LoggerFactory.getLogger(SessionOptionsRpcs.class);

  private SessionOptionsRpcs() {}

  static SetSessionOptionsResult set(ClientSession session, SetSessionOptionsRequest request) {
    requireNonNull(session, "session is null");
    Map<String, SetSessionOptionsResult.Error> errors = new LinkedHashMap<>();
    for (Map.Entry<String, SessionOptionValue> option : request.getSessionOptions().entrySet()) {
      String name = option.getKey();
      if (!name.equals(CATALOG) && !name.equals(SCHEMA)) {
        LOG.info("Session {}: unknown session option {}", session.id(), name);
        errors.put(name, error(SetSessionOptionsResult.ErrorValue.INVALID_NAME));
        continue;
      }
      String value = option.getValue().acceptVisitor(new StringValue());
      if (value == null || value.isBlank()) {
        errors.put(name, error(SetSessionOptionsResult.ErrorValue.INVALID_VALUE));
        continue;
      }
      try {
        if (name.equals(CATALOG)) {
          session.gateway().use(value, null);
        } else {
          session.gateway().use(null, value);
        }
      } catch (TidewaterException e) {
        LOG.info("Session {}: session option {} refused: {}", session.id(), name, e.getMessage());
        errors.put(name, error(SetSessionOptionsResult.ErrorValue.INVALID_VALUE));
      }
    }
    return new SetSessionOptionsResult(errors);
  }

  static GetSessionOptionsResult get(ClientSession session) {
    NamespaceRef current = session.gateway().current();
    return new GetSessionOptionsResult(
        Map.of(
            CATALOG, SessionOptionValueFactory.makeSessionOptionValue(current.catalog()),
            SCHEMA, SessionOptionValueFactory.makeSessionOptionValue(current.namespace())));
  }

  private static SetSessionOptionsResult.Error error(SetSessionOptionsResult.ErrorValue value) {
    return new SetSessionOptionsResult.Error(value);
  }

  /** The value of a string option; null for any other kind. */
  private static final class StringValue extends NoOpSessionOptionValueVisitor<String> {
    @Override
    public String visit(String value) {
      return value;
    }
  }
}
