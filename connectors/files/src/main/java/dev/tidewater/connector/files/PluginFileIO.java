package dev.tidewater.connector.files;

import static java.util.Objects.requireNonNull;

import dev.tidewater.spi.plugin.PluginClassLoader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.SeekableInputStream;
import org.apache.iceberg.io.SupportsPrefixOperations;

/**
 * A FileIO whose classes come from a plugin's class loader ({@code plugins/azure}), with that
 * loader as the thread's context class loader for every call, on its files and their streams too
 * (Trino's {@code ThreadContextClassLoader}): cloud SDKs find their HTTP clients and serializers
 * through the context loader ({@code ServiceLoader}), which on the server's threads is the
 * server's. A listing is read whole inside the call.
 */
final class PluginFileIO implements FileIO, SupportsPrefixOperations {
  private final FileIO delegate;
  private final SupportsPrefixOperations listing;
  private final ClassLoader loader;

  PluginFileIO(FileIO delegate, ClassLoader loader) {
    this.delegate = requireNonNull(delegate, "delegate is null");
    this.listing = delegate instanceof SupportsPrefixOperations prefix ? prefix : null;
    this.loader = requireNonNull(loader, "loader is null");
  }

  private <T> T call(Supplier<T> work) {
    return PluginClassLoader.withContextLoader(loader, work);
  }

  private interface IoWork<T> {
    T run() throws IOException;
  }

  private <T> T io(IoWork<T> work) throws IOException {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(loader);
    try {
      return work.run();
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  boolean canList() {
    return listing != null;
  }

  @Override
  public InputFile newInputFile(String path) {
    return new PluginInputFile(call(() -> delegate.newInputFile(path)));
  }

  @Override
  public InputFile newInputFile(String path, long length) {
    return new PluginInputFile(call(() -> delegate.newInputFile(path, length)));
  }

  @Override
  public OutputFile newOutputFile(String path) {
    return call(() -> delegate.newOutputFile(path));
  }

  @Override
  public void deleteFile(String path) {
    call(
        () -> {
          delegate.deleteFile(path);
          return null;
        });
  }

  @Override
  public Iterable<FileInfo> listPrefix(String prefix) {
    if (listing == null) {
      throw new UnsupportedOperationException(delegate.getClass().getName() + " cannot list");
    }
    return call(
        () -> {
          List<FileInfo> infos = new ArrayList<>();
          listing.listPrefix(prefix).forEach(infos::add);
          return infos;
        });
  }

  @Override
  public void deletePrefix(String prefix) {
    if (listing == null) {
      throw new UnsupportedOperationException(delegate.getClass().getName() + " cannot delete");
    }
    call(
        () -> {
          listing.deletePrefix(prefix);
          return null;
        });
  }

  @Override
  public Map<String, String> properties() {
    return delegate.properties();
  }

  @Override
  public void initialize(Map<String, String> properties) {
    call(
        () -> {
          delegate.initialize(properties);
          return null;
        });
  }

  @Override
  public void close() {
    call(
        () -> {
          delegate.close();
          return null;
        });
  }

  @Override
  public String toString() {
    return delegate.getClass().getName();
  }

  private final class PluginInputFile implements InputFile {
    private final InputFile file;

    PluginInputFile(InputFile file) {
      this.file = file;
    }

    @Override
    public long getLength() {
      return call(file::getLength);
    }

    @Override
    public SeekableInputStream newStream() {
      return new PluginStream(call(file::newStream));
    }

    @Override
    public String location() {
      return file.location();
    }

    @Override
    public boolean exists() {
      return call(file::exists);
    }
  }

  private final class PluginStream extends SeekableInputStream {
    private final SeekableInputStream stream;

    PluginStream(SeekableInputStream stream) {
      this.stream = stream;
    }

    @Override
    public long getPos() throws IOException {
      return stream.getPos();
    }

    @Override
    public void seek(long newPos) throws IOException {
      io(
          () -> {
            stream.seek(newPos);
            return null;
          });
    }

    @Override
    public int read() throws IOException {
      return io(stream::read);
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      return io(() -> stream.read(buffer, offset, length));
    }

    @Override
    public long skip(long n) throws IOException {
      return io(() -> stream.skip(n));
    }

    @Override
    public int available() throws IOException {
      return io(stream::available);
    }

    @Override
    public void close() throws IOException {
      io(
          () -> {
            stream.close();
            return null;
          });
    }
  }
}
