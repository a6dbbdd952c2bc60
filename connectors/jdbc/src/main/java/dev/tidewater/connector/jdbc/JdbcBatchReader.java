package dev.tidewater.connector.jdbc;

import dev.tidewater.spi.BatchReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Streams one split's query into Arrow batches: a forward-only result set with a fetch size (a
 * PostgreSQL cursor with autocommit off, a MariaDB streaming result set), each column copied by the
 * {@link ValueWriter} its type chose.
 */
final class JdbcBatchReader implements BatchReader {
  private final JdbcConnector connector;
  private final JdbcTable table;
  private final List<JdbcColumn> columns;
  private final JdbcSplit split;
  private final int batchRows;
  private final VectorSchemaRoot root;
  private final List<ValueWriter> writers = new ArrayList<>();
  private Connection connection;
  private PreparedStatement statement;
  private ResultSet rows;
  private long rowsBefore;
  private long bytes;
  private boolean exhausted;

  JdbcBatchReader(
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
    this.root = VectorSchemaRoot.create(new Schema(fields), allocator);
    for (int i = 0; i < columns.size(); i++) {
      writers.add(ValueWriter.of(columns.get(i), root.getVector(i), i + 1));
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
      statement =
          connection.prepareStatement(
              split.sql(), ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
      statement.setFetchSize(connector.options().fetchSize());
      if (split.maxRows() > 0) {
        statement.setMaxRows((int) Math.min(split.maxRows(), Integer.MAX_VALUE));
      }
      for (int i = 0; i < split.parameters().size(); i++) {
        statement.setObject(i + 1, split.parameters().get(i));
      }
      rows = statement.executeQuery();
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
      while (row < batchRows && rows.next()) {
        for (column = 0; column < writers.size(); column++) {
          writers.get(column).write(rows, row);
        }
        row++;
      }
    } catch (SQLException e) {
      throw connector.failure(
          e, "reading %s at row %d%s", table.displayName(), rowsBefore + row + 1, splitText());
    } catch (ArithmeticException | IllegalStateException | ClassCastException e) {
      throw SplitRows.unconvertible(connector, position(row), columns.get(column), e);
    }
    if (row < batchRows) {
      exhausted = true;
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
      if (rows != null) {
        rows.close();
      }
      if (statement != null) {
        statement.close();
      }
      if (connection != null) {
        if (!connection.getAutoCommit()) {
          connection.rollback();
        }
        connection.close();
      }
    } catch (SQLException e) {
      // A connection that died mid-read has nothing left to release.
    } finally {
      root.close();
    }
  }
}
