package dev.tidewater.iceberg;

import dev.tidewater.spi.TidewaterException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MERGE keys that did not fit in memory, hash-partitioned into {@value #PARTITIONS} local files by
 * the top bits of their hash. {@link #groups} cuts the partitions into runs whose keys fit in the
 * memory budget; each run becomes one pass over the target table's key columns.
 */
final class MergeKeySpill implements Closeable {
  static final int PARTITIONS = 256;

  private static final Logger LOG = LoggerFactory.getLogger(MergeKeySpill.class);
  private static final int BUFFER_BYTES = 16 << 10;

  private final Path directory;
  private final DataOutputStream[] outputs = new DataOutputStream[PARTITIONS];
  private final long[] keys = new long[PARTITIONS];
  private final long[] bytes = new long[PARTITIONS];
  private boolean writing = true;

  MergeKeySpill(Path parent) {
    try {
      Files.createDirectories(parent);
      this.directory = Files.createTempDirectory(parent, "tidewater-merge-keys-");
    } catch (IOException e) {
      throw TidewaterException.external(
          e, "cannot create a directory for MERGE keys in %s: %s", parent, e.getMessage());
    }
  }

  static int partition(long hash) {
    return (int) (hash >>> 56);
  }

  void write(byte[] key, int length, long hash, byte flags) {
    int partition = partition(hash);
    try {
      DataOutputStream output = outputs[partition];
      if (output == null) {
        output =
            new DataOutputStream(
                new BufferedOutputStream(Files.newOutputStream(file(partition)), BUFFER_BYTES));
        outputs[partition] = output;
      }
      output.writeByte(flags);
      output.writeInt(length);
      output.write(key, 0, length);
    } catch (IOException e) {
      throw TidewaterException.external(
          e, "cannot write MERGE keys to %s: %s", directory, e.getMessage());
    }
    keys[partition]++;
    bytes[partition] += length;
  }

  long keyCount() {
    long total = 0;
    for (long count : keys) {
      total += count;
    }
    return total;
  }

  /**
   * Consecutive runs of partitions {@code [from, to)} whose keys, loaded into a {@link
   * MergeKeySet}, take about {@code memoryBudget} bytes at most; a single partition larger than the
   * budget is a run of its own.
   */
  List<int[]> groups(long memoryBudget) {
    finishWriting();
    List<int[]> groups = new ArrayList<>();
    int from = 0;
    long memory = 0;
    for (int partition = 0; partition < PARTITIONS; partition++) {
      // arena bytes plus two int slots per key at a load factor of one half, twice for growth
      long needed = bytes[partition] + keys[partition] * (5 + 16 + 16);
      if (partition > from && memory + needed > memoryBudget) {
        groups.add(new int[] {from, partition});
        from = partition;
        memory = 0;
      }
      memory += needed;
    }
    groups.add(new int[] {from, PARTITIONS});
    return groups;
  }

  /** Reads the keys of partitions {@code [from, to)}, calling {@code sink} with each. */
  void read(int from, int to, KeySink sink) {
    finishWriting();
    byte[] buffer = new byte[256];
    for (int partition = from; partition < to; partition++) {
      if (keys[partition] == 0) {
        continue;
      }
      try (DataInputStream input =
          new DataInputStream(
              new BufferedInputStream(Files.newInputStream(file(partition)), BUFFER_BYTES))) {
        for (long i = 0; i < keys[partition]; i++) {
          byte flags = input.readByte();
          int length = input.readInt();
          if (length > buffer.length) {
            buffer = new byte[Math.max(length, buffer.length * 2)];
          }
          input.readFully(buffer, 0, length);
          sink.accept(buffer, length, flags);
        }
      } catch (EOFException e) {
        throw TidewaterException.internal(e, "MERGE key file %s is truncated", file(partition));
      } catch (IOException e) {
        throw TidewaterException.external(
            e, "cannot read MERGE keys from %s: %s", directory, e.getMessage());
      }
    }
  }

  /** Receives one spilled key; {@code key} is reused for the next one. */
  @FunctionalInterface
  interface KeySink {
    void accept(byte[] key, int length, byte flags);
  }

  /** Deletes the spill files. */
  @Override
  public void close() {
    closeOutputs();
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      LOG.warn("Failed to delete MERGE key files in {}", directory, e);
    }
  }

  private void finishWriting() {
    if (!writing) {
      return;
    }
    writing = false;
    for (int partition = 0; partition < PARTITIONS; partition++) {
      if (outputs[partition] != null) {
        try {
          outputs[partition].close();
        } catch (IOException e) {
          throw TidewaterException.external(
              e, "cannot write MERGE keys to %s: %s", directory, e.getMessage());
        } finally {
          outputs[partition] = null;
        }
      }
    }
  }

  private void closeOutputs() {
    for (int partition = 0; partition < PARTITIONS; partition++) {
      if (outputs[partition] != null) {
        try {
          outputs[partition].close();
        } catch (IOException e) {
          LOG.debug("Ignoring failure to close MERGE key file {}", file(partition), e);
        }
        outputs[partition] = null;
      }
    }
    writing = false;
  }

  private Path file(int partition) {
    return directory.resolve(String.format("keys-%03d.bin", partition));
  }
}
