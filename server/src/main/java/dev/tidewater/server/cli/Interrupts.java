package dev.tidewater.server.cli;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) and a termination request (SIGTERM, what {@code Process.destroy()} and CI runners
 * send) while a script runs: the first one calls the script's cancel action, so that the running
 * statement stops at its next batch and a LOAD commits nothing and records CANCELLED, instead of
 * the JVM exiting under it; a second one exits at once with {@code 128 + signal}. A signal handler
 * and not a shutdown hook, because a hook runs while the JVM is already going down (Hadoop's hook
 * closing file systems under the load's cleanup, for one). Closing restores the JVM's handlers.
 */
final class Interrupts implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Interrupts.class);

  /** The signals, with their numbers for the exit code. */
  private static final Map<String, Integer> SIGNALS = Map.of("INT", 2, "TERM", 15);

  private final Map<Signal, SignalHandler> previous = new HashMap<>();
  private final AtomicReference<String> received = new AtomicReference<>();

  private Interrupts(Runnable cancel) {
    requireNonNull(cancel, "cancel is null");
    for (String name : List.of("INT", "TERM")) {
      Signal signal = new Signal(name);
      try {
        previous.put(
            signal,
            Signal.handle(
                signal,
                caught -> {
                  if (received.compareAndSet(null, name)) {
                    System.err.printf(
                        "%ninterrupted (SIG%s): cancelling the running statement; again to quit"
                            + " at once%n",
                        name);
                    cancel.run();
                  } else {
                    Runtime.getRuntime().halt(exitCode(name));
                  }
                }));
      } catch (IllegalArgumentException e) {
        // The JVM runs with -Xrs, or the signal is reserved: it keeps its default meaning.
        LOG.debug("cannot handle SIG{}: {}", name, e.getMessage());
      }
    }
  }

  /** Handles Ctrl-C and SIGTERM with {@code cancel} until closed. */
  static Interrupts install(Runnable cancel) {
    return new Interrupts(cancel);
  }

  /** Whether a signal came. */
  boolean interrupted() {
    return received.get() != null;
  }

  /** The exit code for the signal that came: 130 for Ctrl-C, 143 for SIGTERM. */
  int exitCode() {
    String name = received.get();
    return name == null ? 0 : exitCode(name);
  }

  private static int exitCode(String name) {
    return 128 + SIGNALS.get(name);
  }

  @Override
  public void close() {
    previous.forEach(
        (signal, handler) -> {
          try {
            Signal.handle(signal, handler);
          } catch (IllegalArgumentException e) {
            LOG.debug("cannot restore the handler of {}: {}", signal, e.getMessage());
          }
        });
  }
}
