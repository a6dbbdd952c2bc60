package dev.tidewater.bench;

import dev.tidewater.iceberg.ArrowSchemas;
import dev.tidewater.iceberg.ParquetBatchSink;
import dev.tidewater.iceberg.Tables;
import dev.tidewater.iceberg.WriteResult;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * The Parquet writers alone, without Flight or gRPC: the ingest benchmark's Arrow batches, held in
 * memory, written by {@code writers} threads (one {@link ParquetBatchSink} each, as a LOAD's write
 * stage runs them) into a new Iceberg table (Hadoop tables on the local disk, no commit). Prints
 * per run the wall time, the writer threads' CPU time and the files' size, and for the last run the
 * bytes and encodings of every column.
 *
 * <p>Usage: {@code WriterBenchmark arrow-file work-dir [runs] [writers] [key=value,...]}, the last
 * argument write options such as {@code parquet_dictionary=parquet} or {@code
 * write.parquet.compression-level=1}.
 */
public final class WriterBenchmark {
  private WriterBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path arrow = Path.of(args[0]);
    Path work = Path.of(args[1]).toAbsolutePath();
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    int writers = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    Map<String, String> options = new HashMap<>();
    if (args.length > 4 && !args[4].isBlank()) {
      for (String pair : args[4].split(",")) {
        String[] parts = pair.split("=", 2);
        options.put(parts[0].trim(), parts[1].trim());
      }
    }
    try (BufferAllocator allocator = new RootAllocator()) {
      List<VectorSchemaRoot> batches = new ArrayList<>();
      Schema schema;
      long rows = 0;
      try (ArrowStreamReader reader = IngestBenchmark.open(arrow, allocator)) {
        VectorSchemaRoot source = reader.getVectorSchemaRoot();
        schema = ArrowSchemas.toIceberg(source.getSchema());
        while (reader.loadNextBatch()) {
          VectorSchemaRoot copy = VectorSchemaRoot.create(source.getSchema(), allocator);
          try (ArrowRecordBatch batch = new VectorUnloader(source).getRecordBatch()) {
            new VectorLoader(copy).load(batch);
          }
          rows += copy.getRowCount();
          batches.add(copy);
        }
      }
      System.out.printf(
          Locale.ROOT,
          "%,d rows in %d batches; %d writers; options %s%n",
          rows,
          batches.size(),
          writers,
          options);
      try {
        for (int run = 0; run <= runs; run++) {
          Path location = work.resolve("writer-bench-" + run);
          LoadBenchmark.deleteRecursively(location);
          Table table =
              new HadoopTables(new Configuration())
                  .create(
                      schema,
                      PartitionSpec.unpartitioned(),
                      Tables.DEFAULT_PROPERTIES,
                      location.toString());
          Result result = write(table, batches, writers, options, run);
          System.out.printf(
              Locale.ROOT,
              "%s: wall %.2f s (%,.0f rows/s), writer cpu %.2f s, process cpu %.2f s,"
                  + " %d files, %,d bytes%n",
              run == 0 ? "warm-up" : "run " + run,
              result.wallSeconds,
              rows / result.wallSeconds,
              result.writerCpuSeconds,
              result.processCpuSeconds,
              result.files.size(),
              result.files.stream().mapToLong(DataFile::fileSizeInBytes).sum());
          if (run == runs) {
            columns(result.files);
          }
          LoadBenchmark.deleteRecursively(location);
        }
      } finally {
        batches.forEach(VectorSchemaRoot::close);
      }
    }
  }

  private record Result(
      double wallSeconds,
      double writerCpuSeconds,
      double processCpuSeconds,
      List<DataFile> files) {}

  private static Result write(
      Table table,
      List<VectorSchemaRoot> batches,
      int writers,
      Map<String, String> options,
      int run)
      throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    AtomicInteger next = new AtomicInteger();
    AtomicLong cpu = new AtomicLong();
    List<WriteResult> results = new ArrayList<>();
    List<Throwable> failures = new ArrayList<>();
    List<Thread> pool = new ArrayList<>();
    long processStart = IngestBenchmark.processCpuNanos();
    long start = System.nanoTime();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      Thread thread =
          new Thread(
              () -> {
                long cpuStart = threads.getCurrentThreadCpuTime();
                try (ParquetBatchSink sink = new ParquetBatchSink(table, options, writer, run)) {
                  for (int i = next.getAndIncrement();
                      i < batches.size();
                      i = next.getAndIncrement()) {
                    sink.append(batches.get(i));
                  }
                  WriteResult result = sink.finish();
                  synchronized (results) {
                    results.add(result);
                  }
                } catch (Throwable e) {
                  synchronized (failures) {
                    failures.add(e);
                  }
                }
                cpu.addAndGet(threads.getCurrentThreadCpuTime() - cpuStart);
              },
              "writer-" + w);
      pool.add(thread);
      thread.start();
    }
    for (Thread thread : pool) {
      thread.join();
    }
    double wall = (System.nanoTime() - start) / 1e9;
    double process = (IngestBenchmark.processCpuNanos() - processStart) / 1e9;
    if (!failures.isEmpty()) {
      throw new IllegalStateException("a writer failed", failures.get(0));
    }
    return new Result(wall, cpu.get() / 1e9, process, WriteResult.merge(results).dataFiles());
  }

  /** Prints every column's compressed bytes and encodings over all files. */
  private static void columns(List<DataFile> files) throws Exception {
    Map<String, long[]> sizes = new TreeMap<>();
    Map<String, java.util.Set<String>> encodings = new TreeMap<>();
    for (DataFile file : files) {
      try (ParquetFileReader reader =
          ParquetFileReader.open(
              HadoopInputFile.fromPath(
                  new org.apache.hadoop.fs.Path(file.location()), new Configuration()))) {
        for (BlockMetaData block : reader.getFooter().getBlocks()) {
          for (ColumnChunkMetaData chunk : block.getColumns()) {
            String name = chunk.getPath().toDotString();
            long[] size = sizes.computeIfAbsent(name, key -> new long[2]);
            size[0] += chunk.getTotalSize();
            size[1] += chunk.getTotalUncompressedSize();
            chunk
                .getEncodings()
                .forEach(
                    encoding ->
                        encodings
                            .computeIfAbsent(name, key -> new java.util.TreeSet<>())
                            .add(encoding.name()));
          }
        }
      }
    }
    sizes.forEach(
        (name, size) ->
            System.out.printf(
                Locale.ROOT,
                "  %-12s %,12d bytes (uncompressed %,12d) %s%n",
                name,
                size[0],
                size[1],
                encodings.get(name)));
  }
}
