package dev.tidewater.flight;

import static java.util.Objects.requireNonNull;

import dev.tidewater.spi.BatchReader;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The batches a client uploads with DoPut, read as they arrive (gRPC flow control holds back the
 * client while the server is busy, so only a few batches are in memory). Empty batches are skipped.
 * Closing leaves the stream to Flight, which owns it.
 */
final class FlightBatches implements BatchReader {
  private final FlightStream stream;
  private long batch;
  private long bytes;

  FlightBatches(FlightStream stream) {
    this.stream = requireNonNull(stream, "stream is null");
  }

  @Override
  public Schema schema() {
    return stream.getSchema();
  }

  @Override
  public boolean next() {
    while (stream.next()) {
      batch++;
      VectorSchemaRoot root = stream.getRoot();
      if (root.getRowCount() > 0) {
        for (FieldVector vector : root.getFieldVectors()) {
          bytes += vector.getBufferSize();
        }
        return true;
      }
    }
    return false;
  }

  @Override
  public VectorSchemaRoot root() {
    return stream.getRoot();
  }

  @Override
  public String position(int rowIndex) {
    return "batch " + batch + ", row " + (rowIndex + 1);
  }

  @Override
  public long bytesRead() {
    return bytes;
  }

  @Override
  public void close() {}
}
