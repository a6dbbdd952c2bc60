package dev.tidewater.iceberg;

import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.MetadataColumns;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.DeleteFilter;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.InternalReader;
import org.apache.iceberg.data.parquet.InternalWriter;
import org.apache.iceberg.deletes.BaseDVFileWriter;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.deletes.PositionDeleteIndex;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.encryption.EncryptedOutputFile;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.DeleteWriteResult;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.ContentFileUtil;
import org.apache.iceberg.util.PartitionUtil;

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
      EncryptedOutputFile output = newOutputFile(outputs, spec, data.partition());
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
   * rows its delete files removed), in its own partition spec and partition. Rows travel as
   * Iceberg's internal objects, read and written by Iceberg's own Parquet readers and writers.
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
    NameMapping mapping = nameMapping(table);
    MergeParallel.run(
        table.name(),
        threads,
        IntStream.range(0, files.size()).boxed().toList(),
        index -> rewritten[index] = rewrite(files.get(index), outputs, mapping));
    for (int i = 0; i < rewritten.length; i++) {
      files
          .get(i)
          .removeWith(
              new MergeTarget.Removal(List.of(), List.of(), rewritten[i], true),
              removed.get(i).cardinality());
    }
  }

  /** Writes the live rows of one data file into a new one; null when no row is left. */
  DataFile rewrite(MergeTarget file, OutputFileFactory outputs, NameMapping mapping) {
    DataFile data = file.file();
    PartitionSpec spec = specs.get(data.specId());
    List<Types.NestedField> columns = new ArrayList<>(schema.columns());
    columns.add(MetadataColumns.ROW_POSITION);
    RowDeletes deletes = new RowDeletes(file.task(), new Schema(columns));
    Schema required = deletes.requiredSchema();
    int position = required.columns().indexOf(MetadataColumns.ROW_POSITION);
    Map<Integer, ?> constants = PartitionUtil.constantsMap(file.task());
    Parquet.ReadBuilder read =
        Parquet.read(io.newInputFile(data))
            .project(required)
            .createReaderFunc(fileSchema -> InternalReader.create(required, fileSchema, constants))
            .reuseContainers();
    if (mapping != null) {
      read = read.withNameMapping(mapping);
    }
    EncryptedOutputFile output = newOutputFile(outputs, spec, data.partition());
    String location = output.encryptingOutputFile().location();
    written.add(location);
    PositionDeleteIndex replaced = file.matched;
    DataWriter<StructLike> writer;
    try {
      writer =
          Parquet.writeData(output)
              .schema(schema)
              .withSpec(spec)
              .withPartition(data.partition())
              .setAll(writeProperties)
              .metricsConfig(MetricsConfig.forTable(table))
              .createWriterFunc(message -> InternalWriter.create(schema.asStruct(), message))
              .overwrite()
              .build();
    } catch (IOException e) {
      throw TidewaterException.external(e, "cannot create data file %s: %s", location, e);
    }
    try (writer;
        CloseableIterable<StructLike> live = deletes.filter(read.<StructLike>build())) {
      for (StructLike row : live) {
        if (!replaced.isDeleted(row.get(position, Long.class))) {
          // the writer takes the table's columns and ignores the trailing position
          writer.write(row);
        }
      }
    } catch (IOException | RuntimeException e) {
      throw TidewaterException.external(
          e, "cannot rewrite %s of %s into %s: %s", data.location(), table.name(), location, e);
    }
    DataFile result = writer.toDataFile();
    if (result.recordCount() > 0) {
      return result;
    }
    io.deleteFile(location);
    return null;
  }

  /** The delete files of one data file applied to rows of Iceberg's internal object model. */
  private final class RowDeletes extends DeleteFilter<StructLike> {
    RowDeletes(FileScanTask task, Schema requested) {
      super(task.file().location(), task.deletes(), schema, requested);
    }

    @Override
    protected StructLike asStructLike(StructLike row) {
      return row;
    }

    @Override
    protected InputFile getInputFile(String location) {
      return io.newInputFile(location);
    }
  }

  /**
   * A new file beside the data of {@code partition}. Unpartitioned, without the partition path:
   * Iceberg's location provider would join an empty one in as {@code data//file}, a key that
   * S3-compatible stores may refuse.
   */
  private static EncryptedOutputFile newOutputFile(
      OutputFileFactory outputs, PartitionSpec spec, StructLike partition) {
    return spec.isUnpartitioned()
        ? outputs.newOutputFile()
        : outputs.newOutputFile(spec, partition);
  }
}
