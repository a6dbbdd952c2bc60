package dev.tidewater.server;

import static java.util.Objects.requireNonNull;

import dev.tidewater.flight.GatewayService;
import dev.tidewater.flight.GatewaySession;
import dev.tidewater.flight.IngestRequest;
import dev.tidewater.flight.NamespaceRef;
import dev.tidewater.flight.StatementResult;
import dev.tidewater.flight.TableRef;
import dev.tidewater.planner.Engine;
import dev.tidewater.planner.ExecutionResult;
import dev.tidewater.planner.Session;
import dev.tidewater.planner.load.LoadListener;
import dev.tidewater.planner.load.StreamIngest;
import dev.tidewater.planner.metadata.StatementRedactor;
import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.Cancellation;
import dev.tidewater.spi.TidewaterException;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;

/** Adapts the planner to the Flight endpoint's {@link GatewayService}. */
public final class PlannerGateway implements GatewayService {
  private final Engine engine;
  private final Users users;
  private final StatementRedactor redactor;

  /** The redactor masks secrets that an error message quotes from the statement. */
  public PlannerGateway(Engine engine, Users users, StatementRedactor redactor) {
    this.engine = requireNonNull(engine, "engine is null");
    this.users = requireNonNull(users, "users is null");
    this.redactor = requireNonNull(redactor, "redactor is null");
  }

  @Override
  public boolean authenticate(String user, String password) {
    return users.authenticate(user, password);
  }

  @Override
  public GatewaySession openSession(String user) {
    return new PlannerSession(engine.openSession(user), redactor);
  }

  private static final class PlannerSession implements GatewaySession {
    private final Session session;
    private final StatementRedactor redactor;

    PlannerSession(Session session, StatementRedactor redactor) {
      this.session = session;
      this.redactor = redactor;
    }

    @Override
    public synchronized Schema describe(String sql) {
      try {
        return session.describe(sql);
      } catch (TidewaterException e) {
        throw redactor.redact(e, sql);
      }
    }

    @Override
    public synchronized StatementResult execute(
        String sql, BufferAllocator allocator, Cancellation cancellation) {
      ExecutionResult result;
      try {
        result = session.execute(sql, allocator, LoadListener.NONE, cancellation);
      } catch (TidewaterException e) {
        throw redactor.redact(e, sql);
      }
      return result.hasRows()
          ? StatementResult.rows(result.rows())
          : StatementResult.updateCount(result.updateCount());
    }

    @Override
    public synchronized long ingest(
        IngestRequest request,
        BatchReader batches,
        BufferAllocator allocator,
        Cancellation cancellation) {
      StreamIngest.Request ingest =
          new StreamIngest.Request(
              request.catalogOrNull(),
              request.schemaOrNull(),
              request.table(),
              StreamIngest.IfMissing.valueOf(request.ifMissing().name()),
              StreamIngest.IfExists.valueOf(request.ifExists().name()),
              request.options());
      return session.ingest(ingest, batches, allocator, cancellation).rowsWritten();
    }

    @Override
    public List<String> catalogs() {
      return session.catalogs();
    }

    @Override
    public List<NamespaceRef> namespaces(String catalogOrNull) {
      return session.namespaces(catalogOrNull).stream()
          .map(each -> new NamespaceRef(each.get(0), each.get(1)))
          .toList();
    }

    @Override
    public List<TableRef> tables(String catalogOrNull, String namespaceOrNull) {
      return session.tables(catalogOrNull, namespaceOrNull).stream()
          .map(each -> new TableRef(each.get(0), each.get(1), each.get(2), TableRef.TABLE))
          .toList();
    }

    @Override
    public Schema tableSchema(TableRef table) {
      return session.tableSchema(table.catalog(), table.namespace(), table.name());
    }

    @Override
    public List<String> primaryKey(TableRef table) {
      return session.primaryKey(table.catalog(), table.namespace(), table.name());
    }

    @Override
    public NamespaceRef current() {
      var names = session.currentNames();
      return new NamespaceRef(names.catalog(), names.namespace());
    }

    @Override
    public void use(String catalogOrNull, String namespaceOrNull) {
      session.use(catalogOrNull, namespaceOrNull);
    }

    @Override
    public synchronized void close() {
      session.close();
    }
  }
}
