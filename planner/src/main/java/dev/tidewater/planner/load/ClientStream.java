package dev.tidewater.planner.load;

import static java.util.Objects.requireNonNull;

import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.Connector;
import dev.tidewater.spi.ExtractRequest;
import dev.tidewater.spi.SourceObject;
import dev.tidewater.spi.Split;
import dev.tidewater.spi.TidewaterException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The batches a client sends (Flight SQL bulk ingest) as the source of a load: one split, read
 * once, as they arrive. The caller owns the client's reader; this source never closes it.
 */
final class ClientStream implements Connector {
  static final String TYPE = "INGEST";
  static final String NAME = "(client)";

  private final BatchReader batches;
  private final AtomicBoolean opened = new AtomicBoolean();

  ClientStream(BatchReader batches) {
    this.batches = requireNonNull(batches, "batches is null");
  }

  @Override
  public List<SourceObject> listObjects() {
    return List.of(SourceObject.SELF);
  }

  @Override
  public Schema discover(SourceObject object) {
    return batches.schema();
  }

  @Override
  public List<Split> plan(ExtractRequest request) {
    return List.of(new StreamSplit());
  }

  @Override
  public BatchReader open(Split split, ExtractRequest request, BufferAllocator allocator) {
    TidewaterException.check(!opened.getAndSet(true), "a client's stream is read once");
    return new Unclosed(batches);
  }

  private record StreamSplit() implements Split {
    @Override
    public String description() {
      return "client stream";
    }

    @Override
    public long estimatedBytes() {
      return -1;
    }
  }

  /** The client's reader, left open when the load closes its readers. */
  private record Unclosed(BatchReader reader) implements BatchReader {
    @Override
    public Schema schema() {
      return reader.schema();
    }

    @Override
    public boolean next() {
      return reader.next();
    }

    @Override
    public VectorSchemaRoot root() {
      return reader.root();
    }

    @Override
    public String position(int rowIndex) {
      return reader.position(rowIndex);
    }

    @Override
    public long bytesRead() {
      return reader.bytesRead();
    }

    @Override
    public void close() {}
  }
}
