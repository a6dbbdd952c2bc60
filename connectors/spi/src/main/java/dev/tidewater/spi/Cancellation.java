package dev.tidewater.spi;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cancel flag of one running statement. Another thread (a client's cancel, a disconnect, a
 * statement timeout) calls {@link #cancel}; the statement's own threads call {@link #check()}
 * between batches and stop with a {@link StatementCancelledException}, and actions registered with
 * {@link #onCancel} wake what waits. Once the statement {@linkplain #enterCommit() starts to
 * commit}, a cancel comes too late and changes nothing: a commit is never cut in half.
 */
public final class Cancellation {
  private static final Logger LOG = LoggerFactory.getLogger(Cancellation.class);

  private StatementCancelledException.Reason reason;
  private String message;
  private boolean committing;
  private final List<Runnable> actions = new ArrayList<>();

  /** Registered with {@link #onCancel}; closing it removes the action. */
  public interface Registration extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Cancels the statement; true when this call did, false when it was cancelled already or has
   * started to commit. Runs the registered actions on the calling thread.
   */
  public boolean cancel(StatementCancelledException.Reason why, String description) {
    requireNonNull(why, "why is null");
    requireNonNull(description, "description is null");
    List<Runnable> toRun;
    synchronized (this) {
      if (reason != null || committing) {
        return false;
      }
      reason = why;
      message = description;
      toRun = List.copyOf(actions);
      actions.clear();
    }
    for (Runnable action : toRun) {
      try {
        action.run();
      } catch (RuntimeException e) {
        LOG.warn("an action on cancel failed", e);
      }
    }
    return true;
  }

  public synchronized boolean isCancelled() {
    return reason != null;
  }

  /** Throws a {@link StatementCancelledException} when the statement was cancelled. */
  public void check() {
    StatementCancelledException error = error();
    if (error != null) {
      throw error;
    }
  }

  /** A new exception that says why the statement stopped, or null when it was not cancelled. */
  public synchronized StatementCancelledException error() {
    return reason == null ? null : new StatementCancelledException(reason, message);
  }

  /**
   * The point of no return: throws if the statement was cancelled, and makes every later cancel a
   * no-op, so that what follows (a commit) runs to its end.
   */
  public synchronized void enterCommit() {
    check();
    committing = true;
  }

  /** Runs {@code action} when the statement is cancelled, at once if it already was. */
  public Registration onCancel(Runnable action) {
    requireNonNull(action, "action is null");
    synchronized (this) {
      if (reason == null) {
        actions.add(action);
        return () -> {
          synchronized (this) {
            actions.remove(action);
          }
        };
      }
    }
    action.run();
    return () -> {};
  }
}
