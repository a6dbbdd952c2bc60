package dev.tidewater.connector.jdbc;

import dev.tidewater.spi.BatchReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * Streams one PostgreSQL split as {@code COPY (SELECT ...) TO STDOUT (FORMAT binary)} through the
 * driver's {@code CopyManager}, decoding each row's fields straight into the batch's vectors: the
 * same query, WHERE and snapshot as the {@link JdbcBatchReader}, without the per-value work of a
 * result set (text parsing, boxing, strings).
 */
final class PgCopyBatchReader implements BatchReader {
  private final JdbcConnector connector;
  private final JdbcTable table;
  private final List<JdbcColumn> columns;
  private final JdbcSplit split;
  private final int batchRows;
  private final VectorSchemaRoot root;
  private final PgBinaryDecoder[] decoders;
  private Connection connection;
  private CopyOut copy;
  private PgCopyStream stream;
  private long rowsBefore;
  private long bytes;
  private boolean exhausted;

  PgCopyBatchReader(
      JdbcConnector connector,
      JdbcTable table,
      List<JdbcColumn> columns,
      JdbcSplit split,
      int batchRows,
      BufferAllocator allocator) {
    this.connector = connector;
    this.table = table;
    this.columns = columns;
    this.split = split;
    this.batchRows = batchRows;
    List<Field> fields = new ArrayList<>();
    for (JdbcColumn column : columns) {
      fields.add(column.field());
    }
    List<PgCopyFormat.Column> formats = PgCopyFormat.of(columns, connector.identifierQuote());
    if (formats == null) {
      throw new IllegalStateException("no binary COPY decoder for a column of " + table);
    }
    this.root = VectorSchemaRoot.create(new Schema(fields), allocator);
    this.decoders = new PgBinaryDecoder[columns.size()];
    for (int i = 0; i < decoders.length; i++) {
      decoders[i] = PgBinaryDecoder.of(formats.get(i), root.getVector(i));
    }
    try {
      start();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private void start() {
    connection = connector.connect();
    try {
      connector.dialect().beginRead(connection, split.snapshot());
      copy = connection.unwrap(PGConnection.class).getCopyAPI().copyOut(split.copySql());
      stream = new PgCopyStream(copy);
      stream.readHeader();
    } catch (SQLException e) {
      throw connector.failure(e, "cannot read %s", table.displayName());
    }
  }

  @Override
  public Schema schema() {
    return root.getSchema();
  }

  @Override
  public boolean next() {
    if (exhausted) {
      return false;
    }
    rowsBefore += root.getRowCount();
    for (FieldVector vector : root.getFieldVectors()) {
      vector.reset();
    }
    int row = 0;
    int column = 0;
    try {
      while (row < batchRows) {
        short fields = stream.readShort();
        if (fields == -1) {
          stream.finish();
          exhausted = true;
          break;
        }
        if (fields != decoders.length) {
          throw new SQLException(
              "COPY sent a row of " + fields + " fields, not " + decoders.length);
        }
        for (column = 0; column < decoders.length; column++) {
          int length = stream.readInt();
          if (length < 0) {
            decoders[column].setNull(row);
          } else {
            stream.decode(decoders[column], length, row);
          }
        }
        row++;
      }
    } catch (SQLException e) {
      throw connector.failure(
          e, "reading %s at row %d%s", table.displayName(), rowsBefore + row + 1, splitText());
    } catch (ArithmeticException
        | IllegalStateException
        | IndexOutOfBoundsException
        | UnsupportedOperationException e) {
      throw SplitRows.unconvertible(connector, position(row), columns.get(column), e);
    }
    root.setRowCount(row);
    for (FieldVector vector : root.getFieldVectors()) {
      bytes += vector.getBufferSize();
    }
    return row > 0;
  }

  private String splitText() {
    return SplitRows.splitText(split);
  }

  @Override
  public VectorSchemaRoot root() {
    return root;
  }

  @Override
  public String position(int rowIndex) {
    return SplitRows.position(table, split, rowsBefore, rowIndex);
  }

  @Override
  public long bytesRead() {
    return bytes;
  }

  @Override
  public void close() {
    try {
      closeCopy();
    } finally {
      root.close();
    }
  }

  private void closeCopy() {
    try {
      if (copy != null && copy.isActive()) {
        // Stops the server's side too; the rest of the stream is read and dropped.
        copy.cancelCopy();
      }
    } catch (SQLException e) {
      // A connection that died mid-read has nothing left to cancel.
    }
    try {
      if (connection != null) {
        try {
          connection.rollback();
        } finally {
          connection.close();
        }
      }
    } catch (SQLException e) {
      // A connection that died mid-read has nothing left to release.
    }
  }
}
