package dev.tidewater.connector.files;

import static java.util.Objects.requireNonNull;

import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.Connector;
import dev.tidewater.spi.ExtractRequest;
import dev.tidewater.spi.SourceObject;
import dev.tidewater.spi.Split;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A FILES source: the files at its location are one table. The schema is inferred once from the
 * first files and kept; each file is one split.
 */
final class FilesConnector implements Connector {
  private final String sourceName;
  private final FilesOptions options;
  private Schema schema;
  private FileFormat format;

  FilesConnector(String sourceName, FilesOptions options) {
    this.sourceName = requireNonNull(sourceName, "sourceName is null");
    this.options = requireNonNull(options, "options is null");
  }

  @Override
  public List<SourceObject> listObjects() {
    return List.of(SourceObject.SELF);
  }

  @Override
  public Schema discover(SourceObject object) {
    checkObject(object);
    return schema();
  }

  @Override
  public List<Split> plan(ExtractRequest request) {
    checkObject(request.object());
    project(schema(), request.columns());
    List<FileSplit> files = files();
    if (format != FileFormat.PARQUET) {
      return List.copyOf(files);
    }
    List<Split> splits = new ArrayList<>(files.size());
    for (FileSplit file : files) {
      ParquetSplit split = ParquetFiles.plan(file, request.predicates());
      if (!split.rowGroups().isEmpty()) {
        splits.add(split);
      }
    }
    return splits;
  }

  /** For Parquet files: how many files and row groups the cursor window's statistics skip. */
  @Override
  public List<String> explain(ExtractRequest request, List<Split> splits) {
    if (format != FileFormat.PARQUET) {
      return List.of();
    }
    if (request.predicates().isEmpty()) {
      return List.of("Parquet statistics: no cursor window, every row group is read");
    }
    Set<Path> read = new HashSet<>();
    long rowGroups = 0;
    long skippedRowGroups = 0;
    for (Split split : splits) {
      if (split instanceof ParquetSplit parquet) {
        read.add(parquet.file().path());
        rowGroups += parquet.rowGroupCount();
        skippedRowGroups += parquet.rowGroupCount() - parquet.rowGroups().size();
      }
    }
    List<FileSplit> files = files();
    for (FileSplit file : files) {
      if (!read.contains(file.path())) {
        int count = ParquetFiles.footer(file).getBlocks().size();
        rowGroups += count;
        skippedRowGroups += count;
      }
    }
    return List.of(
        String.format(
            Locale.ROOT,
            "Parquet statistics on the cursor column: skip %d of %d file(s) and %d of %d row"
                + " group(s)",
            files.size() - read.size(),
            files.size(),
            skippedRowGroups,
            rowGroups));
  }

  @Override
  public BatchReader open(Split split, ExtractRequest request, BufferAllocator allocator) {
    checkObject(request.object());
    Schema sourceSchema = schema();
    if (split instanceof ParquetSplit parquet) {
      return new ParquetBatchReader(
          parquet, project(sourceSchema, request.columns()), allocator, request.batchRows());
    }
    if (!(split instanceof FileSplit file)) {
      throw TidewaterException.internal(
          null, "source '%s' cannot read a split of type %s", sourceName, split.getClass());
    }
    Schema projected = asText(project(sourceSchema, request.columns()), request.textColumns());
    FileFormat fileFormat = formatOf(file.path());
    if (fileFormat != format) {
      throw TidewaterException.user(
          "%s: a %s file in a %s source; set option 'format' when the extensions differ",
          file.displayName(), fileFormat, format);
    }
    if (fileFormat == FileFormat.AVRO) {
      return new AvroBatchReader(
          file, project(sourceSchema, request.columns()), allocator, request.batchRows());
    }
    if (fileFormat == FileFormat.CSV) {
      return new CsvBatchReader(
          file,
          options,
          sourceSchema,
          projected,
          allocator,
          request.batchRows(),
          request.rejections());
    }
    return new JsonBatchReader(
        file, fileFormat, options, projected, allocator, request.batchRows(), request.rejections());
  }

  private void checkObject(SourceObject object) {
    if (!object.path().isEmpty()) {
      throw TidewaterException.user(
          "source '%s' is a FILES source and holds one table; '%s' does not exist in it"
              + " (use the source name alone)",
          sourceName, object);
    }
  }

  private synchronized Schema schema() {
    if (schema == null) {
      List<FileSplit> files = files();
      Set<FileFormat> formats = new LinkedHashSet<>();
      for (FileSplit file : files) {
        formats.add(formatOf(file.path()));
      }
      if (formats.size() > 1) {
        throw TidewaterException.user(
            "location '%s' holds files of several formats (%s); set option 'format' or narrow the"
                + " location",
            options.location(), formats);
      }
      FileFormat sourceFormat = formats.iterator().next();
      if (sourceFormat != FileFormat.JSON && !options.recordsPath().isEmpty()) {
        throw TidewaterException.user(
            "option 'records_path' applies to format json only, but the files are %s",
            sourceFormat.name().toLowerCase(Locale.ROOT));
      }
      if (sourceFormat.typed()) {
        if (!options.columns().isEmpty()) {
          throw TidewaterException.user(
              "option 'columns' applies to text formats only; %s files carry their own types",
              sourceFormat.name().toLowerCase(Locale.ROOT));
        }
        schema = typedSchema(sourceFormat, files);
        format = sourceFormat;
        return schema;
      }
      Schema inferred =
          sourceFormat == FileFormat.CSV
              ? CsvSchemaInference.infer(options, files)
              : JsonSchemaInference.infer(options, sourceFormat, files);
      schema = applyColumnTypes(inferred);
      format = sourceFormat;
    }
    return schema;
  }

  /** The schemas of all the files, from their footers or headers, unified. */
  private static Schema typedSchema(FileFormat format, List<FileSplit> files) {
    List<SchemaUnion.FileSchema> schemas = new ArrayList<>(files.size());
    for (FileSplit file : files) {
      Schema schema =
          format == FileFormat.PARQUET ? ParquetFiles.schema(file) : AvroBatchReader.schema(file);
      schemas.add(new SchemaUnion.FileSchema(file.displayName(), schema));
    }
    return SchemaUnion.unify(schemas);
  }

  private FileFormat formatOf(Path path) {
    Optional<FileFormat> explicit = options.format();
    if (explicit.isPresent()) {
      return explicit.get();
    }
    String name = path.getFileName().toString();
    return FileFormat.fromFileName(name)
        .orElseThrow(
            () ->
                TidewaterException.user(
                    "cannot tell the format of '%s' from its extension; set option 'format' to"
                        + " csv, json, jsonl, parquet or avro",
                    path));
  }

  /** The files at the location, each a split; a user error when there is none. */
  private List<FileSplit> files() {
    List<Path> paths = options.location().files();
    if (paths.isEmpty()) {
      throw TidewaterException.user(
          "source '%s': no file matches location '%s'", sourceName, options.location());
    }
    Path base = options.location().displayBase();
    List<FileSplit> splits = new ArrayList<>(paths.size());
    for (Path path : paths) {
      splits.add(new FileSplit(path, displayName(base, path), size(path)));
    }
    return splits;
  }

  private static String displayName(Path base, Path path) {
    Path relative = path.startsWith(base) ? base.relativize(path) : path.getFileName();
    return relative.toString().isEmpty() ? path.getFileName().toString() : relative.toString();
  }

  private static long size(Path path) {
    try {
      return Files.size(path);
    } catch (IOException e) {
      return -1;
    }
  }

  /** Replaces inferred types by those of the {@code columns} option. */
  private Schema applyColumnTypes(Schema inferred) {
    if (options.columns().isEmpty()) {
      return inferred;
    }
    List<Field> fields = new ArrayList<>(inferred.getFields());
    for (Map.Entry<String, ArrowType> column : options.columns().entrySet()) {
      int index = indexOf(fields, column.getKey());
      if (index < 0) {
        throw TidewaterException.user(
            "option 'columns' names column '%s', but the files have no such column (columns: %s)",
            column.getKey(), names(fields));
      }
      String name = fields.get(index).getName();
      fields.set(index, new Field(name, FieldType.nullable(column.getValue()), null));
    }
    return new Schema(fields);
  }

  /** The fields of {@code columns} in their order (all when empty); a user error for unknowns. */
  private Schema project(Schema sourceSchema, List<String> columns) {
    if (columns.isEmpty()) {
      return sourceSchema;
    }
    List<Field> fields = sourceSchema.getFields();
    List<Field> projected = new ArrayList<>(columns.size());
    for (String column : columns) {
      int index = indexOf(fields, column);
      if (index < 0) {
        throw TidewaterException.user(
            "source '%s' has no column '%s' (columns: %s)", sourceName, column, names(fields));
      }
      projected.add(fields.get(index));
    }
    return new Schema(projected);
  }

  /**
   * The schema with every field named in {@code textColumns} (ignoring case) replaced by a nullable
   * VARCHAR of the same name: the reader then delivers the value as the file wrote it.
   */
  static Schema asText(Schema schema, Set<String> textColumns) {
    if (textColumns.isEmpty()) {
      return schema;
    }
    Set<String> names =
        textColumns.stream().map(name -> name.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    List<Field> fields = new ArrayList<>(schema.getFields().size());
    for (Field field : schema.getFields()) {
      fields.add(
          names.contains(field.getName().toLowerCase(Locale.ROOT))
              ? new Field(field.getName(), FieldType.nullable(ArrowType.Utf8.INSTANCE), null)
              : field);
    }
    return new Schema(fields, schema.getCustomMetadata());
  }

  /** Exact match first, then a unique case-insensitive one; -1 when none. */
  private static int indexOf(List<Field> fields, String name) {
    int caseInsensitive = -1;
    int matches = 0;
    for (int i = 0; i < fields.size(); i++) {
      String fieldName = fields.get(i).getName();
      if (fieldName.equals(name)) {
        return i;
      }
      if (fieldName.equalsIgnoreCase(name)) {
        caseInsensitive = i;
        matches++;
      }
    }
    return matches == 1 ? caseInsensitive : -1;
  }

  private static String names(List<Field> fields) {
    return fields.stream().map(Field::getName).collect(Collectors.joining(", "));
  }
}
