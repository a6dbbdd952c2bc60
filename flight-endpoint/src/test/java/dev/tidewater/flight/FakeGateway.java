package dev.tidewater.flight;

import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.Cancellation;
import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.SqlPosition;
import dev.tidewater.spi.TidewaterException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.flight.sql.FlightSqlColumnMetadata;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * An in-memory Tidewater for endpoint tests. Catalogs {@code iceberg} and {@code lake}; table
 * {@code iceberg.demo.t} has three typed rows. Statements:
 *
 * <ul>
 *   <li>{@code SELECT RANGE(n)}: n BIGINT rows in batches of 65,536 that reuse one root;
 *   <li>{@code SELECT EMPTY}: no rows; {@code SELECT BROKEN}: a bug at execution; {@code SELECT
 *       UNAVAILABLE}: a failing external service at execution;
 *   <li>any other {@code SELECT}: the rows of {@code t};
 *   <li>{@code CREATE ...}: update count 0; {@code DELETE ...}: update count 7;
 *   <li>{@code FAIL ...}: a user error at position line 1, column 6.
 * </ul>
 */
final class FakeGateway implements GatewayService {
  static final String USER = "alice";
  static final String PASSWORD = "s3cret-pw";
  static final int BATCH_ROWS = 65_536;

  static final Schema T_SCHEMA =
      new Schema(
          List.of(
              Field.notNullable("id", new ArrowType.Int(64, true)),
              new Field(
                  "name",
                  new FieldType(
                      true,
                      ArrowType.Utf8.INSTANCE,
                      null,
                      new FlightSqlColumnMetadata.Builder()
                          .remarks("customer name")
                          .build()
                          .getMetadataMap()),
                  null),
              Field.nullable("amount", new ArrowType.Decimal(12, 2, 128)),
              Field.nullable("price", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
              Field.nullable("active", ArrowType.Bool.INSTANCE),
              Field.nullable("day", new ArrowType.Date(DateUnit.DAY)),
              Field.nullable("ts", new ArrowType.Timestamp(TimeUnit.MICROSECOND, null))));
  static final Schema RANGE_SCHEMA =
      new Schema(List.of(Field.notNullable("n", new ArrowType.Int(64, true))));
  static final Schema ONE_INT =
      new Schema(List.of(Field.nullable("x", new ArrowType.Int(32, true))));

  static final List<TableRef> TABLES =
      List.of(
          new TableRef("iceberg", "demo", "t", TableRef.TABLE),
          new TableRef("iceberg", "demo", "orders", TableRef.TABLE),
          new TableRef("iceberg", "demo_x", "t2", TableRef.TABLE),
          new TableRef("iceberg", "demoax", "t3", TableRef.TABLE),
          new TableRef("iceberg", "system", "loads", TableRef.SYSTEM_TABLE),
          new TableRef("lake", "raw", "events", TableRef.TABLE));

  private static final Pattern RANGE = Pattern.compile("SELECT RANGE\\((\\d+)\\)");

  final AtomicInteger sessionsOpened = new AtomicInteger();
  final AtomicInteger sessionsClosed = new AtomicInteger();
  final AtomicInteger cancels = new AtomicInteger();
  final AtomicInteger openReaders = new AtomicInteger();
  private final Map<Long, CountDownLatch> rangeReadersClosed = new ConcurrentHashMap<>();
  private final Map<Long, CountDownLatch> rangeBatchesFilled = new ConcurrentHashMap<>();

  /** Counts down when the reader of {@code SELECT RANGE(rows)} closes. */
  CountDownLatch rangeReaderClosed(long rows) {
    return rangeReadersClosed.computeIfAbsent(rows, key -> new CountDownLatch(1));
  }

  /**
   * Counts down once per batch the reader of {@code SELECT RANGE(rows)} fills, from {@code
   * batches}; call it before running the statement.
   */
  CountDownLatch rangeBatchesFilled(long rows, int batches) {
    return rangeBatchesFilled.computeIfAbsent(rows, key -> new CountDownLatch(batches));
  }

  @Override
  public boolean authenticate(String user, String password) {
    boolean userMatches = MessageDigest.isEqual(bytes(USER), bytes(user));
    boolean passwordMatches = MessageDigest.isEqual(bytes(PASSWORD), bytes(password));
    return userMatches & passwordMatches;
  }

  @Override
  public GatewaySession openSession(String user) {
    sessionsOpened.incrementAndGet();
    return new Session();
  }

  private static byte[] bytes(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  private final class Session implements GatewaySession {
    private volatile NamespaceRef current = new NamespaceRef("iceberg", "default");

    @Override
    public Schema describe(String sql) {
      String statement = sql.trim().toUpperCase(Locale.ROOT);
      if (statement.startsWith("FAIL")) {
        throw new TidewaterException(
            ErrorKind.USER, new SqlPosition(1, 6), "unknown table 'nope'", null);
      }
      if (statement.startsWith("CREATE") || statement.startsWith("DELETE")) {
        return new Schema(List.of());
      }
      if (RANGE.matcher(statement).matches()) {
        return RANGE_SCHEMA;
      }
      if (statement.equals("SELECT EMPTY")
          || statement.equals("SELECT BROKEN")
          || statement.equals("SELECT UNAVAILABLE")) {
        return ONE_INT;
      }
      if (statement.startsWith("SELECT")) {
        return T_SCHEMA;
      }
      throw TidewaterException.user("unsupported statement: %s", sql);
    }

    @Override
    public StatementResult execute(
        String sql, BufferAllocator allocator, Cancellation cancellation) {
      cancellation.onCancel(cancels::incrementAndGet);
      describe(sql);
      String statement = sql.trim().toUpperCase(Locale.ROOT);
      if (statement.startsWith("CREATE")) {
        return StatementResult.updateCount(0);
      }
      if (statement.startsWith("DELETE")) {
        return StatementResult.updateCount(7);
      }
      Matcher range = RANGE.matcher(statement);
      if (range.matches()) {
        return StatementResult.rows(rangeReader(Long.parseLong(range.group(1)), allocator));
      }
      switch (statement) {
        case "SELECT EMPTY":
          return StatementResult.rows(
              new FakeReader(ONE_INT, allocator, 0, () -> {}, (root, batch) -> 0));
        case "SELECT BROKEN":
          throw new IllegalStateException("kaboom: internal detail");
        case "SELECT UNAVAILABLE":
          throw TidewaterException.external(null, "object store s3://bucket is unreachable");
        default:
          return StatementResult.rows(
              new FakeReader(T_SCHEMA, allocator, 1, () -> {}, FakeGateway::fillT));
      }
    }

    @Override
    public List<String> catalogs() {
      return List.of("lake", "iceberg");
    }

    @Override
    public List<NamespaceRef> namespaces(String catalogOrNull) {
      return TABLES.stream()
          .filter(table -> catalogOrNull == null || table.catalog().equals(catalogOrNull))
          .map(table -> new NamespaceRef(table.catalog(), table.namespace()))
          .distinct()
          .toList();
    }

    @Override
    public List<TableRef> tables(String catalogOrNull, String namespaceOrNull) {
      return TABLES.stream()
          .filter(table -> catalogOrNull == null || table.catalog().equals(catalogOrNull))
          .filter(table -> namespaceOrNull == null || table.namespace().equals(namespaceOrNull))
          .toList();
    }

    @Override
    public Schema tableSchema(TableRef table) {
      return table.name().equals("t") ? T_SCHEMA : ONE_INT;
    }

    @Override
    public List<String> primaryKey(TableRef table) {
      return List.of();
    }

    @Override
    public NamespaceRef current() {
      return current;
    }

    @Override
    public void use(String catalogOrNull, String namespaceOrNull) {
      if (catalogOrNull != null && !catalogs().contains(catalogOrNull)) {
        throw TidewaterException.user("unknown catalog %s", catalogOrNull);
      }
      current =
          new NamespaceRef(
              catalogOrNull == null ? current.catalog() : catalogOrNull,
              namespaceOrNull == null ? current.namespace() : namespaceOrNull);
    }

    @Override
    public long ingest(
        IngestRequest request,
        dev.tidewater.spi.BatchReader batches,
        BufferAllocator allocator,
        Cancellation cancellation) {
      long rows = 0;
      while (batches.next()) {
        cancellation.check();
        rows += batches.root().getRowCount();
      }
      return rows;
    }

    @Override
    public void close() {
      sessionsClosed.incrementAndGet();
    }
  }

  private static int fillT(VectorSchemaRoot root, int batch) {
    ((BigIntVector) root.getVector("id")).setSafe(0, 1);
    ((BigIntVector) root.getVector("id")).setSafe(1, 2);
    ((BigIntVector) root.getVector("id")).setSafe(2, 3);
    VarCharVector name = (VarCharVector) root.getVector("name");
    name.setSafe(0, bytes("alpha"));
    name.setSafe(1, bytes("beta"));
    name.setNull(2);
    DecimalVector amount = (DecimalVector) root.getVector("amount");
    amount.setSafe(0, new BigDecimal("12.50"));
    amount.setSafe(1, new BigDecimal("0.99"));
    amount.setNull(2);
    Float8Vector price = (Float8Vector) root.getVector("price");
    price.setSafe(0, 1.5);
    price.setSafe(1, 2.25);
    price.setNull(2);
    BitVector active = (BitVector) root.getVector("active");
    active.setSafe(0, 1);
    active.setSafe(1, 0);
    active.setNull(2);
    DateDayVector day = (DateDayVector) root.getVector("day");
    day.setSafe(0, (int) LocalDate.of(2024, 1, 1).toEpochDay());
    day.setSafe(1, (int) LocalDate.of(2024, 2, 29).toEpochDay());
    day.setNull(2);
    TimeStampMicroVector ts = (TimeStampMicroVector) root.getVector("ts");
    ts.setSafe(0, micros(LocalDateTime.of(2024, 1, 1, 10, 0)));
    ts.setSafe(1, micros(LocalDateTime.of(2024, 2, 29, 23, 59, 59, 123_456_000)));
    ts.setNull(2);
    return 3;
  }

  private static long micros(LocalDateTime time) {
    return ChronoUnit.MICROS.between(LocalDateTime.of(1970, 1, 1, 0, 0), time);
  }

  private FakeReader rangeReader(long rows, BufferAllocator allocator) {
    int batches = (int) ((rows + BATCH_ROWS - 1) / BATCH_ROWS);
    CountDownLatch closed = rangeReaderClosed(rows);
    CountDownLatch filled = rangeBatchesFilled.getOrDefault(rows, new CountDownLatch(0));
    return new FakeReader(
        RANGE_SCHEMA,
        allocator,
        batches,
        closed::countDown,
        (root, batch) -> {
          BigIntVector n = (BigIntVector) root.getVector(0);
          long first = (long) batch * BATCH_ROWS;
          int count = (int) Math.min(BATCH_ROWS, rows - first);
          for (int i = 0; i < count; i++) {
            n.setSafe(i, first + i);
          }
          filled.countDown();
          return count;
        });
  }

  /** Fills a batch into a reused root and returns its row count. */
  interface BatchFiller {
    int fill(VectorSchemaRoot root, int batch);
  }

  /** A reader that refills one root in place, as the SPI allows. */
  private final class FakeReader implements BatchReader {
    private final VectorSchemaRoot root;
    private final int batches;
    private final BatchFiller filler;
    private final Runnable onClose;
    private int batch;

    FakeReader(
        Schema schema,
        BufferAllocator allocator,
        int batches,
        Runnable onClose,
        BatchFiller filler) {
      this.root = VectorSchemaRoot.create(schema, allocator);
      this.batches = batches;
      this.filler = filler;
      this.onClose = onClose;
      openReaders.incrementAndGet();
    }

    @Override
    public Schema schema() {
      return root.getSchema();
    }

    @Override
    public boolean next() {
      if (batch >= batches) {
        return false;
      }
      if (batch == 0) {
        root.allocateNew();
      } else {
        root.getFieldVectors().forEach(vector -> vector.reset());
      }
      int rows = filler.fill(root, batch++);
      root.setRowCount(rows);
      return true;
    }

    @Override
    public VectorSchemaRoot root() {
      return root;
    }

    @Override
    public String position(int rowIndex) {
      return "fake:" + rowIndex;
    }

    @Override
    public long bytesRead() {
      return 0;
    }

    @Override
    public void close() {
      root.close();
      openReaders.decrementAndGet();
      onClose.run();
    }
  }
}
