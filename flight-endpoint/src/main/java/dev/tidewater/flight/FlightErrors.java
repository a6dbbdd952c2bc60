package dev.tidewater.flight;

import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.StatementCancelledException;
import dev.tidewater.spi.TidewaterException;
import java.util.UUID;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps exceptions to Flight status codes: the one place where error kinds become protocol. */
final class FlightErrors {
  private static final Logger LOG = LoggerFactory.getLogger(FlightErrors.class);

  private FlightErrors() {}

  /**
   * A cancelled statement is {@code CANCELLED}, a timed-out one {@code TIMED_OUT}; a user error is
   * {@code INVALID_ARGUMENT}, a failing external service {@code UNAVAILABLE}, a bug {@code
   * INTERNAL}, a statement over its memory limit {@code RESOURCE_EXHAUSTED}, each with Tidewater's
   * message; any other exception is {@code INTERNAL} with a generic message and a reference to the
   * stack trace in the log.
   */
  static FlightRuntimeException toFlight(Throwable error) {
    if (error instanceof FlightRuntimeException flight) {
      return flight;
    }
    TidewaterException tidewater = findTidewaterException(error);
    if (tidewater instanceof StatementCancelledException cancelled) {
      CallStatus status =
          switch (cancelled.reason()) {
            case CANCELLED -> CallStatus.CANCELLED;
            case TIMED_OUT -> CallStatus.TIMED_OUT;
          };
      return status.withDescription(cancelled.getMessage()).toRuntimeException();
    }
    if (tidewater != null) {
      CallStatus status =
          switch (tidewater.kind()) {
            case USER -> CallStatus.INVALID_ARGUMENT;
            case EXTERNAL -> CallStatus.UNAVAILABLE;
            case INTERNAL -> CallStatus.INTERNAL;
            case RESOURCE_LIMIT -> CallStatus.RESOURCE_EXHAUSTED;
          };
      if (tidewater.kind() == ErrorKind.EXTERNAL || tidewater.kind() == ErrorKind.INTERNAL) {
        LOG.warn("Statement failed: {}", tidewater.getMessage(), tidewater);
      }
      return status
          .withDescription(tidewater.getMessage())
          .withCause(tidewater)
          .toRuntimeException();
    }
    String reference = UUID.randomUUID().toString();
    LOG.error("Internal error {}", reference, error);
    return CallStatus.INTERNAL
        .withDescription("internal error in the Tidewater server (log reference " + reference + ")")
        .withCause(error)
        .toRuntimeException();
  }

  static FlightRuntimeException notFound(String format, Object... args) {
    return CallStatus.NOT_FOUND.withDescription(String.format(format, args)).toRuntimeException();
  }

  static FlightRuntimeException invalid(String format, Object... args) {
    return CallStatus.INVALID_ARGUMENT
        .withDescription(String.format(format, args))
        .toRuntimeException();
  }

  static FlightRuntimeException unauthenticated(String message) {
    return CallStatus.UNAUTHENTICATED.withDescription(message).toRuntimeException();
  }

  private static TidewaterException findTidewaterException(Throwable error) {
    // Bounded, in case a cause chain loops.
    Throwable cause = error;
    for (int depth = 0; cause != null && depth < 32; depth++, cause = cause.getCause()) {
      if (cause instanceof TidewaterException tidewater) {
        return tidewater;
      }
    }
    return null;
  }
}
