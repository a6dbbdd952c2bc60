package dev.tidewater.server.cli;

import static java.util.Objects.requireNonNull;

import dev.tidewater.planner.load.LoadListener;
import dev.tidewater.planner.metadata.StatementRedactor;
import dev.tidewater.server.Tidewater;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.CallOptions;
import org.apache.arrow.flight.CloseSessionRequest;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The progress of a LOAD that runs on a server, for the same bar as an in-process run: while the
 * LOAD's own call waits for its answer, a second session polls {@code system.running_loads} and
 * feeds what it reads to the statement's {@link LoadListener}. Progress is only drawn: a poll that
 * fails stops the polling, never the LOAD.
 */
final class RemoteProgress implements AutoCloseable {
  static final long INTERVAL_MILLIS = 250;

  /** A poll the server does not answer in this time fails (and stops the bar), not the script. */
  private static final long POLL_TIMEOUT_SECONDS = 10;

  private final FlightSqlClient sql;
  private final Supplier<CallOption> login;
  private final String user;
  private final StatementRedactor redactor = Tidewater.redactor();
  private ScheduledExecutorService timer;

  /** The polling session's token; null until the first poll logs it in. */
  private CallOption token;

  /**
   * Polls through {@code sql} as {@code user}; {@code login} logs in the polling session on first
   * use (the LOAD's own session runs one statement at a time).
   */
  RemoteProgress(FlightSqlClient sql, Supplier<CallOption> login, String user) {
    this.sql = requireNonNull(sql, "sql is null");
    this.login = requireNonNull(login, "login is null");
    this.user = requireNonNull(user, "user is null");
  }

  /**
   * The loads the user runs now, before a statement is sent: none of them is the statement's. Empty
   * when the server cannot answer (the watch's polls then fail too, and the bar shows only the
   * LOAD's answer).
   */
  synchronized Set<String> running() {
    Set<String> ids = new HashSet<>();
    try {
      for (Row row : poll()) {
        ids.add(row.loadId());
      }
    } catch (RuntimeException e) {
      return Set.of();
    }
    return ids;
  }

  /**
   * Starts following the load that {@code statement} starts: the first of the user's loads not in
   * {@code before}, the one with the statement's text if there are several. Closing the watch
   * stops.
   */
  synchronized Watch watch(String statement, Set<String> before, LoadListener listener) {
    if (timer == null) {
      timer =
          Executors.newSingleThreadScheduledExecutor(
              task -> {
                Thread thread = new Thread(task, "tidewater-progress");
                thread.setDaemon(true);
                return thread;
              });
    }
    // The server shows the text with secret values masked: compare like with like.
    Watch watch = new Watch(redactor.redact(statement).strip(), before, listener);
    watch.future =
        timer.scheduleWithFixedDelay(
            watch::poll, INTERVAL_MILLIS, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    return watch;
  }

  /** Stops the polling thread and closes the polling session on the server. */
  @Override
  public void close() {
    ScheduledExecutorService stopping;
    synchronized (this) {
      stopping = timer;
      timer = null;
    }
    if (stopping != null) {
      stopping.shutdownNow();
      try {
        // A poll that runs now holds Arrow buffers of the client's allocator: let it end first.
        stopping.awaitTermination(POLL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      if (token != null) {
        try {
          sql.closeSession(new CloseSessionRequest(), token, timeout());
        } catch (FlightRuntimeException e) {
          // The server forgets an idle session by itself; closing is only a courtesy.
        }
        token = null;
      }
    }
  }

  private static CallOption timeout() {
    return CallOptions.timeout(POLL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  private synchronized List<Row> poll() {
    if (token == null) {
      token = login.get();
    }
    FlightInfo info =
        sql.execute(
            "SELECT load_id, statement, phase, rows_read, bytes_read, bytes_total, splits"
                + " FROM system.running_loads WHERE user_name = '"
                + user.replace("'", "''")
                + "'",
            token,
            timeout());
    List<Row> rows = new ArrayList<>();
    try (FlightStream stream =
        sql.getStream(info.getEndpoints().get(0).getTicket(), token, timeout())) {
      while (stream.next()) {
        VectorSchemaRoot root = stream.getRoot();
        VarCharVector ids = (VarCharVector) root.getVector(0);
        VarCharVector statements = (VarCharVector) root.getVector(1);
        VarCharVector phases = (VarCharVector) root.getVector(2);
        for (int i = 0; i < root.getRowCount(); i++) {
          rows.add(
              new Row(
                  text(ids, i),
                  text(statements, i),
                  text(phases, i),
                  number(root, 3, i),
                  number(root, 4, i),
                  number(root, 5, i),
                  number(root, 6, i)));
        }
      }
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("cannot read system.running_loads", e);
    }
    return rows;
  }

  private static String text(VarCharVector vector, int row) {
    return vector.isNull(row) ? null : new String(vector.get(row), StandardCharsets.UTF_8);
  }

  private static long number(VectorSchemaRoot root, int column, int row) {
    BigIntVector vector = (BigIntVector) root.getVector(column);
    return vector.isNull(row) ? -1 : vector.get(row);
  }

  /** One row of {@code system.running_loads}; -1 for a figure the server does not know. */
  private record Row(
      String loadId,
      String statement,
      String phase,
      long rowsRead,
      long bytesRead,
      long bytesTotal,
      long splits) {}

  /** Follows one statement's load until it is closed or the load leaves the view. */
  final class Watch implements AutoCloseable {
    private final String statement;
    private final Set<String> before;
    private final LoadListener listener;
    private volatile ScheduledFuture<?> future;
    private String loadId;
    private long rows;
    private long bytes;
    private boolean committing;
    private boolean closed;

    private Watch(String statement, Set<String> before, LoadListener listener) {
      this.statement = statement;
      this.before = Set.copyOf(before);
      this.listener = listener;
    }

    private synchronized void poll() {
      if (closed) {
        return;
      }
      try {
        Row row = find(RemoteProgress.this.poll());
        if (row == null) {
          if (loadId != null) {
            // The load left the view: it has ended, and its answer is on its way.
            stop();
          }
          return;
        }
        if (loadId == null) {
          loadId = row.loadId();
          listener.started(loadId, (int) Math.max(0, row.splits()), row.bytesTotal());
        }
        long rowsNow = Math.max(rows, row.rowsRead());
        long bytesNow = Math.max(bytes, row.bytesRead());
        if (rowsNow > rows || bytesNow > bytes) {
          listener.progressed(bytesNow - bytes, rowsNow - rows);
          rows = rowsNow;
          bytes = bytesNow;
        }
        if (!committing && "COMMITTING".equals(row.phase())) {
          committing = true;
          listener.committing();
        }
      } catch (RuntimeException e) {
        // Only the bar is lost: the LOAD's own call reports how the LOAD ends.
        stop();
      }
    }

    private Row find(List<Row> rows) {
      Row candidate = null;
      for (Row row : rows) {
        if (loadId != null) {
          if (row.loadId().equals(loadId)) {
            return row;
          }
        } else if (!before.contains(row.loadId())) {
          if (row.statement() != null && statement.equals(row.statement().strip())) {
            return row;
          }
          candidate = candidate == null ? row : candidate;
        }
      }
      return loadId == null ? candidate : null;
    }

    private void stop() {
      ScheduledFuture<?> running = future;
      if (running != null) {
        running.cancel(false);
      }
    }

    /**
     * Stops following, then brings the bar to the LOAD's answer: its load and all its rows read. A
     * LOAD that ended before the first poll saw it gets its bar here (in rows: its size is not in
     * the answer).
     */
    synchronized void ended(String answerLoadId, long rowsRead) {
      close();
      if (loadId == null) {
        loadId = answerLoadId;
        listener.started(answerLoadId, 0, -1);
      }
      if (rowsRead > rows) {
        listener.progressed(0, rowsRead - rows);
        rows = rowsRead;
      }
    }

    /** Stops following; waits for a poll that runs now, so the listener hears nothing after. */
    @Override
    public void close() {
      stop();
      synchronized (this) {
        closed = true;
      }
    }
  }
}
