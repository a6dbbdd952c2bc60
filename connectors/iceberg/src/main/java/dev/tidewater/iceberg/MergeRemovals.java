package dev.tidewater.iceberg;

import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.BaseDVFileWriter;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.deletes.PositionDeleteIndex;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.encryption.EncryptedOutputFile;
import org.apache.iceberg.io.DeleteWriteResult;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.util.ContentFileUtil;

/**
 * Writes what removes a MERGE's target rows: position delete files (format v2), deletion vectors
 * (v3 and later) or rewritten data files (copy-on-write), and records the removal in each target.
 * Every file it writes is noted in {@code written}, so that an abort deletes it.
 */
final class MergeRemovals {
  private final Table table;
  private final Schema schema;
  private final FileIO io;
  private final Map<String, String> writeProperties;
  private final List<String> written;
  // Arrow memory of a copy-on-write rewrite: one batch per thread at a time
  private static final long REWRITE_MEMORY = 1L << 30;

  private final int threads;
  private Map<Integer, PartitionSpec> specs;

  MergeRemovals(
      Table table,
      Schema schema,
      FileIO io,
      Map<String, String> writeProperties,
      List<String> written,
      int threads) {
    this.table = table;
    this.schema = schema;
    this.io = io;
    this.writeProperties = writeProperties;
    this.written = written;
    this.threads = threads;
  }

  /** The table's name mapping, for data files written without field ids; null when none. */
  static NameMapping nameMapping(Table table) {
    String mapping = table.properties().get(TableProperties.DEFAULT_NAME_MAPPING);
    return mapping == null ? null : NameMappingParser.fromJson(mapping);
  }

  /**
   * Writes what removes the target rows of {@code stale} — position delete files (format v2),
   * deletion vectors (v3 and later), or rewritten data files (copy-on-write) — and records it in
   * each target.
   */
  void write(
      Collection<MergeTarget> stale,
      MergeMode mode,
      int formatVersion,
      Map<Integer, PartitionSpec> specs) {
    this.specs = specs;
    if (stale.isEmpty()) {
      return;
    }
    if (mode == MergeMode.COPY_ON_WRITE) {
      rewrite(stale);
    } else if (formatVersion >= 3) {
      writeDeletionVectors(stale);
    } else {
      writePositionDeletes(stale);
    }
  }

  /** Format v2: one file-scoped position delete file per target data file. */
  void writePositionDeletes(Collection<MergeTarget> stale) {
    OutputFileFactory outputs =
        OutputFileFactory.builderFor(table, 1, System.nanoTime())
            .format(FileFormat.PARQUET)
            .suffix("deletes")
            .build();
    GenericFileWriterFactory writers =
        new GenericFileWriterFactory.Builder(table).writerProperties(writeProperties).build();
    for (MergeTarget target : stale) {
      PositionDeleteIndex positions = target.effective();
      long removedRows = positions.cardinality();
      if (positions.isEmpty()) {
        // concurrent commits deleted every matched row already
        target.removeWith(MergeTarget.Removal.NONE, 0);
        continue;
      }
      DataFile data = target.file();
      PartitionSpec spec = specs.get(data.specId());
      List<DeleteFile> replaced = target.fileScopedPositionDeletes();
      if (!replaced.isEmpty()) {
        // one delete file per data file: fold the earlier ones in, and drop them in the commit
        positions.merge(target.previous());
      }
      EncryptedOutputFile output = MergeRewriter.newOutputFile(outputs, spec, data.partition());
      written.add(output.encryptingOutputFile().location());
      PositionDeleteWriter<Record> writer =
          writers.newPositionDeleteWriter(output, spec, data.partition());
      PositionDelete<Record> delete = PositionDelete.create();
      String path = data.location();
      try (writer) {
        positions.forEach(pos -> writer.write(delete.set(path, pos)));
      } catch (IOException e) {
        throw TidewaterException.external(
            e, "cannot write delete file %s: %s", output.encryptingOutputFile().location(), e);
      }
      target.removeWith(
          new MergeTarget.Removal(List.of(writer.toDeleteFile()), replaced, null, false),
          removedRows);
    }
  }

  /**
   * Format v3: one deletion vector per target data file, merged with the file's earlier one (which
   * the commit removes); those of one call share a Puffin file.
   */
  void writeDeletionVectors(Collection<MergeTarget> stale) {
    Map<String, MergeTarget> byPath = new HashMap<>();
    Map<String, PositionDeleteIndex> positions = new HashMap<>();
    for (MergeTarget target : stale) {
      PositionDeleteIndex effective = target.effective();
      if (effective.isEmpty()) {
        target.removeWith(MergeTarget.Removal.NONE, 0);
      } else {
        byPath.put(target.location(), target);
        positions.put(target.location(), effective);
      }
    }
    if (byPath.isEmpty()) {
      return;
    }
    OutputFileFactory outputs =
        OutputFileFactory.builderFor(table, 1, System.nanoTime()).format(FileFormat.PUFFIN).build();
    BaseDVFileWriter writer = new BaseDVFileWriter(outputs, path -> byPath.get(path).previous());
    try (writer) {
      for (MergeTarget target : byPath.values()) {
        DataFile data = target.file();
        writer.delete(
            data.location(),
            positions.get(data.location()),
            specs.get(data.specId()),
            data.partition());
      }
    } catch (IOException e) {
      throw TidewaterException.external(
          e, "cannot write deletion vectors for %s: %s", table.name(), e);
    }
    DeleteWriteResult result = writer.result();
    result.deleteFiles().forEach(file -> written.add(file.location()));
    for (DeleteFile vector : result.deleteFiles()) {
      String path = ContentFileUtil.referencedDataFileLocation(vector);
      MergeTarget target = byPath.get(path);
      target.removeWith(
          new MergeTarget.Removal(List.of(vector), target.ownPositionDeletes(), null, false),
          positions.get(path).cardinality());
    }
  }

  /**
   * Copy-on-write: each data file with removed rows is written again without them (and without the
   * rows its delete files removed), in its own partition spec and partition, several files at once
   * ({@link MergeRewriter}).
   */
  void rewrite(Collection<MergeTarget> stale) {
    OutputFileFactory outputs =
        OutputFileFactory.builderFor(table, 2, System.nanoTime())
            .format(FileFormat.PARQUET)
            .build();
    List<MergeTarget> files = new ArrayList<>();
    List<PositionDeleteIndex> removed = new ArrayList<>();
    for (MergeTarget target : stale) {
      PositionDeleteIndex effective = target.effective();
      if (effective.isEmpty()) {
        target.removeWith(MergeTarget.Removal.NONE, 0);
      } else {
        files.add(target);
        removed.add(effective);
      }
    }
    DataFile[] rewritten = new DataFile[files.size()];
    MergeRewriter rewriter =
        new MergeRewriter(table, schema, io, writeProperties, written, nameMapping(table));
    try (BufferAllocator allocator = new RootAllocator(REWRITE_MEMORY)) {
      MergeParallel.run(
          table.name(),
          threads,
          IntStream.range(0, files.size()).boxed().toList(),
          index -> {
            MergeTarget file = files.get(index);
            PartitionSpec spec = specs.get(file.file().specId());
            rewritten[index] = rewriter.rewrite(file, spec, outputs, allocator);
          });
    }
    for (int i = 0; i < rewritten.length; i++) {
      files
          .get(i)
          .removeWith(
              new MergeTarget.Removal(List.of(), List.of(), rewritten[i], true),
              removed.get(i).cardinality());
    }
  }
}
