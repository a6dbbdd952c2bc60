package dev.tidewater.connector.files;

import static java.util.Objects.requireNonNull;

import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.ColumnPredicate;
import dev.tidewater.spi.Connector;
import dev.tidewater.spi.ExtractRequest;
import dev.tidewater.spi.SourceObject;
import dev.tidewater.spi.Split;
import dev.tidewater.spi.TidewaterException;
import dev.tidewater.spi.plugin.Plugins;
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
  private final FileStore store;
  private Schema schema;
  private FileFormat format;

  FilesConnector(String sourceName, FilesOptions options) {
    this(sourceName, options, Plugins.none());
  }

  /** With {@code plugins}, where the FileIO of a cloud store may come from. */
  FilesConnector(String sourceName, FilesOptions options, Plugins plugins) {
    this.sourceName = requireNonNull(sourceName, "sourceName is null");
    this.options = requireNonNull(options, "options is null");
    List<String> secrets = new ArrayList<>();
    for (Map.Entry<String, String> option : options.storageOptions().entrySet()) {
      if (FilesOptions.SECRET_OPTIONS.contains(option.getKey())) {
        secrets.add(option.getValue());
      }
    }
    this.store = options.location().open(options.storageOptions(), secrets, plugins);
  }

  /**
   * {@code _file_name} and {@code _file_modified}, unless the files have columns of those names.
   */
  @Override
  public List<Field> hiddenColumns(SourceObject object) {
    checkObject(object);
    List<Field> visible = schema().getFields();
    return FileColumnsReader.FIELDS.stream()
        .filter(field -> indexOf(visible, field.getName()) < 0)
        .toList();
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
    project(schema(), visibleColumns(request.columns()));
    List<FileSplit> files = selectFiles(files(), request.predicates());
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
    Set<String> read = new HashSet<>();
    long rowGroups = 0;
    long skippedRowGroups = 0;
    for (Split split : splits) {
      if (split instanceof ParquetSplit parquet) {
        read.add(parquet.file().location());
        rowGroups += parquet.rowGroupCount();
        skippedRowGroups += parquet.rowGroupCount() - parquet.rowGroups().size();
      }
    }
    List<FileSplit> files = files();
    for (FileSplit file : files) {
      if (!read.contains(file.location())) {
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

  /** The files whose hidden columns pass the predicates on them: the others are not read. */
  private List<FileSplit> selectFiles(List<FileSplit> files, List<ColumnPredicate> predicates) {
    List<ColumnPredicate> onFiles = new ArrayList<>();
    for (ColumnPredicate predicate : predicates) {
      if (isHidden(predicate.column())) {
        onFiles.add(predicate);
      }
    }
    if (onFiles.isEmpty()) {
      return files;
    }
    List<FileSplit> selected = new ArrayList<>(files.size());
    for (FileSplit file : files) {
      if (onFiles.stream().allMatch(predicate -> matches(predicate, file))) {
        selected.add(file);
      }
    }
    return selected;
  }

  /** Whether the file's value passes; true when the value cannot be compared (filtered later). */
  private static boolean matches(ColumnPredicate predicate, FileSplit file) {
    Object value = FileColumnsReader.value(predicate.column(), file);
    int compared;
    if (value instanceof Long micros && predicate.value() instanceof Long bound) {
      compared = Long.compare(micros, bound);
    } else if (value instanceof String text && predicate.value() instanceof String bound) {
      compared = text.compareTo(bound);
    } else {
      return true;
    }
    return switch (predicate.operator()) {
      case EQUAL -> compared == 0;
      case LESS_THAN -> compared < 0;
      case LESS_THAN_OR_EQUAL -> compared <= 0;
      case GREATER_THAN -> compared > 0;
      case GREATER_THAN_OR_EQUAL -> compared >= 0;
    };
  }

  /** Whether {@code column} names a hidden column rather than one of the files. */
  private boolean isHidden(String column) {
    return FileColumnsReader.hiddenField(column) != null
        && indexOf(schema().getFields(), column) < 0;
  }

  private List<String> visibleColumns(List<String> columns) {
    return columns.stream().filter(column -> !isHidden(column)).toList();
  }

  @Override
  public BatchReader open(Split split, ExtractRequest request, BufferAllocator allocator) {
    checkObject(request.object());
    List<String> visible = visibleColumns(request.columns());
    if (visible.size() == request.columns().size()) {
      return openFile(split, request, allocator);
    }
    FileSplit file = split instanceof ParquetSplit parquet ? parquet.file() : (FileSplit) split;
    // Only hidden columns asked for: read the first column for the row count.
    List<String> read =
        visible.isEmpty() ? List.of(schema().getFields().get(0).getName()) : visible;
    ExtractRequest visibleRequest =
        new ExtractRequest(
            request.object(),
            read,
            request.predicates(),
            request.batchRows(),
            request.rejections(),
            request.textColumns());
    List<String> columns = new ArrayList<>(request.columns().size());
    for (String column : request.columns()) {
      columns.add(
          isHidden(column)
              ? column.toLowerCase(Locale.ROOT)
              : project(schema(), List.of(column)).getFields().get(0).getName());
    }
    BatchReader inner = openFile(split, visibleRequest, allocator);
    try {
      return new FileColumnsReader(inner, file, columns, allocator);
    } catch (RuntimeException e) {
      inner.close();
      throw e;
    }
  }

  private BatchReader openFile(Split split, ExtractRequest request, BufferAllocator allocator) {
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
    FileFormat fileFormat = formatOf(file);
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
        formats.add(formatOf(file));
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
      if (inferred.getFields().isEmpty()) {
        // Empty files, blank lines only, a JSON document without records: name what was read.
        throw TidewaterException.user(
            "%s: no columns: no header and no record to infer them from",
            files.stream().map(FileSplit::fileName).collect(Collectors.joining(", ")));
      }
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

  private FileFormat formatOf(FileSplit file) {
    Optional<FileFormat> explicit = options.format();
    if (explicit.isPresent()) {
      return explicit.get();
    }
    String name = file.fileName();
    return FileFormat.fromFileName(name)
        .orElseThrow(
            () ->
                TidewaterException.user(
                    "cannot tell the format of '%s' from its extension; set option 'format' to"
                        + " csv, json, jsonl, parquet or avro",
                    file.location()));
  }

  /** The files at the location, each a split; a user error when there is none. */
  private List<FileSplit> files() {
    List<FileSplit> files = store.files();
    if (files.isEmpty()) {
      throw TidewaterException.user(
          "source '%s': no file matches location '%s'", sourceName, options.location());
    }
    return files;
  }

  @Override
  public void close() {
    store.close();
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
