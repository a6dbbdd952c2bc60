package dev.tidewater.connector.files;

import dev.tidewater.spi.TidewaterException;
import dev.tidewater.spi.plugin.PluginClassLoader;
import dev.tidewater.spi.plugin.Plugins;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.aws.s3.S3FileIO;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.SupportsPrefixOperations;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Files in an object store, listed and read through Iceberg's {@link FileIO} for the scheme: {@link
 * S3FileIO} for {@code s3://} (paged listing, ranged reads), Iceberg's ADLS FileIO for {@code
 * abfss://} from the {@code azure} plugin (its own class loader: the Azure SDK's libraries do not
 * converge with the server's), and Iceberg's GCS FileIO for {@code gs://} from the {@code gcp}
 * plugin (Google's client libraries bring their own gRPC and Protobuf) or the class path.
 */
final class ObjectFileStore implements FileStore {
  static final String GCS_FILE_IO = "org.apache.iceberg.gcp.gcs.GCSFileIO";
  static final String ADLS_FILE_IO = "org.apache.iceberg.azure.adlsv2.ADLSFileIO";

  /** The plugin that holds the Azure FileIO, and its class (ADLSFileIO listing blobs). */
  static final String AZURE_PLUGIN = "azure";

  static final String AZURE_PLUGIN_FILE_IO = "dev.tidewater.plugins.azure.AzureFileIO";

  /** The plugin that holds Iceberg's GCS FileIO (with Google's storage client). */
  static final String GCP_PLUGIN = "gcp";

  /** A FileIO that lives in a plugin: the plugin's name, the class to build, Iceberg's class. */
  private record PluginIo(String plugin, String className, String icebergClass) {}

  private static final PluginIo AZURE =
      new PluginIo(AZURE_PLUGIN, AZURE_PLUGIN_FILE_IO, ADLS_FILE_IO);
  private static final PluginIo GCP = new PluginIo(GCP_PLUGIN, GCS_FILE_IO, GCS_FILE_IO);

  private final ObjectLocation location;
  private final FileIO io;
  private final Collection<String> secrets;

  private ObjectFileStore(ObjectLocation location, FileIO io, Collection<String> secrets) {
    this.location = location;
    this.io = io;
    this.secrets = secrets;
  }

  /**
   * Builds the FileIO of the location's scheme from the source's storage options (Iceberg's own
   * property names; {@code s3.region} is Iceberg's {@code client.region}). Without credentials the
   * SDK's default chain applies. Connects to nothing yet.
   */
  static ObjectFileStore open(
      ObjectLocation location,
      Map<String, String> storageOptions,
      Collection<String> secrets,
      Plugins plugins) {
    Map<String, String> properties = fileIoProperties(location, storageOptions);
    FileIO io;
    if (ObjectLocation.S3_SCHEMES.contains(location.scheme())) {
      S3FileIO s3 = new S3FileIO();
      s3.initialize(properties);
      io = s3;
    } else {
      PluginIo plugin = ObjectLocation.GCS_SCHEMES.contains(location.scheme()) ? GCP : AZURE;
      io =
          onClassPath(plugin.icebergClass())
              ? load(location, plugin.icebergClass(), properties)
              : loadPlugin(location, properties, plugins, plugin);
    }
    return new ObjectFileStore(location, io, List.copyOf(secrets));
  }

  /**
   * The FileIO properties of the storage options: Iceberg's names, except {@code s3.region}
   * (Iceberg's {@code client.region}) and {@code adls.endpoint}, which becomes Iceberg's {@code
   * adls.connection-string.<account host>} for the location's account.
   */
  static Map<String, String> fileIoProperties(
      ObjectLocation location, Map<String, String> storageOptions) {
    Map<String, String> properties = new HashMap<>();
    for (Map.Entry<String, String> option : storageOptions.entrySet()) {
      String key = option.getKey();
      if (key.equals(FilesOptions.S3_REGION)) {
        key = "client.region";
      } else if (key.equals(FilesOptions.ADLS_ENDPOINT)) {
        key = "adls.connection-string." + accountHost(location);
      }
      properties.put(key, option.getValue());
    }
    return properties;
  }

  /** {@code account.dfs.core.windows.net} of {@code abfss://container@account.dfs.../path}. */
  private static String accountHost(ObjectLocation location) {
    String authority =
        location.root().substring(location.scheme().length() + 3, location.root().length() - 1);
    return authority.substring(authority.indexOf('@') + 1);
  }

  private static boolean onClassPath(String className) {
    try {
      Class.forName(className, false, ObjectFileStore.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /**
   * A FileIO from its plugin ({@code azure}, {@code gcp}), built and called with the plugin's class
   * loader as the context loader; a user error naming the plugin when it is missing or did not
   * load.
   */
  private static FileIO loadPlugin(
      ObjectLocation location, Map<String, String> properties, Plugins plugins, PluginIo spec) {
    Optional<PluginClassLoader> found = plugins.plugin(spec.plugin());
    if (found.isEmpty()) {
      found = plugins.providing(spec.className());
    }
    if (found.isEmpty()) {
      Optional<Plugins.Problem> problem = plugins.problem(spec.plugin());
      if (problem.isPresent()) {
        throw TidewaterException.user(
            "location '%s': %s:// locations need plugin '%s', which did not load: %s: %s",
            location,
            location.scheme(),
            spec.plugin(),
            problem.get().file(),
            problem.get().reason());
      }
      throw TidewaterException.user(
          "location '%s': %s:// locations are read through Iceberg's %s from plugin '%s', which"
              + " is not installed: no directory %s (plugins there: %s); see docs/connectors.md,"
              + " 'Object storage'",
          location,
          location.scheme(),
          spec.icebergClass(),
          spec.plugin(),
          plugins.directory() == null
              ? "plugins/" + spec.plugin()
              : plugins.directory().resolve(spec.plugin()),
          plugins.names().isEmpty() ? "none" : String.join(", ", plugins.names()));
    }
    PluginClassLoader loader = found.get();
    FileIO io =
        PluginClassLoader.withContextLoader(
            loader,
            () -> {
              try {
                return (FileIO)
                    Class.forName(spec.className(), true, loader)
                        .getDeclaredConstructor()
                        .newInstance();
              } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
                throw TidewaterException.user(
                    "location '%s': plugin '%s' (%s) has no usable %s: %s",
                    location,
                    spec.plugin(),
                    plugins.directory() == null
                        ? "plugins/" + spec.plugin()
                        : plugins.directory().resolve(spec.plugin()),
                    spec.className(),
                    e);
              }
            });
    PluginFileIO wrapped = new PluginFileIO(io, loader);
    wrapped.initialize(properties);
    return wrapped;
  }

  /** A FileIO on the server's own class path (a build that adds iceberg-gcp or iceberg-azure). */
  private static FileIO load(
      ObjectLocation location, String implementation, Map<String, String> properties) {
    FileIO io = CatalogUtil.loadFileIO(implementation, properties, null);
    if (!(io instanceof SupportsPrefixOperations)) {
      io.close();
      throw TidewaterException.user(
          "location '%s': %s cannot list files", location, implementation);
    }
    return io;
  }

  @Override
  public List<FileSplit> files() {
    if (!(io instanceof SupportsPrefixOperations listing)
        || (io instanceof PluginFileIO plugin && !plugin.canList())) {
      throw TidewaterException.user("location '%s': %s cannot list files", location, io);
    }
    Map<String, FileInfo> infos = new HashMap<>();
    List<String> keys = new ArrayList<>();
    try {
      // listPrefix pages through the listing (ListObjectsV2 continuation tokens for S3)
      for (FileInfo info : listing.listPrefix(location.listPrefix())) {
        String key = location.key(info.location());
        infos.put(key, info);
        keys.add(key);
      }
    } catch (RuntimeException e) {
      throw failure(e, "cannot list files");
    }
    List<FileSplit> files = new ArrayList<>();
    for (ObjectLocation.Match match : location.select(keys)) {
      FileInfo info = infos.get(match.key());
      files.add(
          new FileSplit(
              this, info.location(), match.displayName(), info.size(), info.createdAtMillis()));
    }
    files.sort(Comparator.comparing(FileSplit::location));
    return files;
  }

  @Override
  public InputFile inputFile(FileSplit file) {
    return file.size() >= 0
        ? io.newInputFile(file.location(), file.size())
        : io.newInputFile(file.location());
  }

  /**
   * A user error for what the store refused (no such bucket, access denied), an external one for
   * what failed on the way (no connection); the message never holds a secret option's value.
   */
  TidewaterException failure(RuntimeException e, String what) {
    TidewaterException azure = azureFailure(e, what);
    if (azure != null) {
      return azure;
    }
    TidewaterException gcs = gcsFailure(e, what);
    if (gcs != null) {
      return gcs;
    }
    AwsServiceException service = cause(e, AwsServiceException.class);
    if (service != null) {
      String code =
          service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
      String detail =
          service.awsErrorDetails() == null || service.awsErrorDetails().errorMessage() == null
              ? service.getMessage()
              : service.awsErrorDetails().errorMessage();
      String hint =
          switch (service.statusCode()) {
            case 301, 404 ->
                "NoSuchBucket".equals(code) || code == null
                    ? "; check the bucket name in 'location'"
                    : "";
            case 400, 401, 403 ->
                "; check options 's3.access-key-id' and 's3.secret-access-key' (or the SDK's"
                    + " default credentials) and 's3.region'";
            default -> "";
          };
      return TidewaterException.user(
          "location '%s': %s: %s (HTTP %d%s)%s",
          location,
          what,
          scrub(detail),
          service.statusCode(),
          code == null ? "" : ", " + code,
          hint);
    }
    SdkClientException client = cause(e, SdkClientException.class);
    if (client != null) {
      return TidewaterException.external(
          null,
          "location '%s': %s: %s (check option 's3.endpoint' and the network)",
          location,
          what,
          scrub(client.getMessage()));
    }
    if (e instanceof TidewaterException tidewater) {
      return tidewater;
    }
    return TidewaterException.external(
        null, "location '%s': %s: %s", location, what, scrub(String.valueOf(e.getMessage())));
  }

  /**
   * What the Azure store refused ({@code BlobStorageException}, {@code DataLakeStorageException}:
   * classes of the plugin, read by reflection): a user error with the status and error code.
   */
  private TidewaterException azureFailure(RuntimeException e, String what) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause.getClass().getName().startsWith("com.azure.storage.")
          && cause.getClass().getSimpleName().endsWith("StorageException")) {
        Object status = call(cause, "getStatusCode");
        Object code = call(cause, "getErrorCode");
        int statusCode = status instanceof Integer number ? number : -1;
        String hint =
            switch (statusCode) {
              case 404 -> "; check the container and the path in 'location'";
              case 400, 401, 403 ->
                  "; check options 'adls.auth.shared-key.account.name' and"
                      + " 'adls.auth.shared-key.account.key' (or the SDK's default credentials)"
                      + " and 'adls.endpoint'";
              default -> "";
            };
        String firstLine = String.valueOf(cause.getMessage()).lines().findFirst().orElse("");
        return TidewaterException.user(
            "location '%s': %s: %s (HTTP %d%s)%s",
            location,
            what,
            scrub(code == null ? firstLine : code.toString()),
            statusCode,
            code == null ? "" : ", " + scrub(code.toString()),
            hint);
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return null;
  }

  /**
   * What Google Cloud Storage refused or could not reach ({@code StorageException}, a class of the
   * plugin, read by reflection): with an HTTP status a user error with the reason, without one (no
   * connection: code 0) an external error naming the endpoint option.
   */
  private TidewaterException gcsFailure(RuntimeException e, String what) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause.getClass().getName().equals("com.google.cloud.storage.StorageException")) {
        Object code = call(cause, "getCode");
        Object reason = call(cause, "getReason");
        int status = code instanceof Integer number ? number : 0;
        String firstLine = String.valueOf(cause.getMessage()).lines().findFirst().orElse("");
        if (status <= 0) {
          return TidewaterException.external(
              null,
              "location '%s': %s: %s (check option 'gcs.service.host' and the network)",
              location,
              what,
              scrub(firstLine));
        }
        String hint =
            switch (status) {
              case 404 -> "; check the bucket and the path in 'location'";
              case 400, 401, 403 ->
                  "; check option 'gcs.oauth2.token' (or the SDK's default credentials) and"
                      + " 'gcs.project-id'";
              default -> "";
            };
        return TidewaterException.user(
            "location '%s': %s: %s (HTTP %d%s)%s",
            location,
            what,
            scrub(firstLine),
            status,
            reason == null ? "" : ", " + scrub(reason.toString()),
            hint);
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return null;
  }

  private static Object call(Object target, String method) {
    try {
      return target.getClass().getMethod(method).invoke(target);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private String scrub(String message) {
    String scrubbed = message == null ? "" : message;
    for (String secret : secrets) {
      if (secret != null && !secret.isEmpty()) {
        scrubbed = scrubbed.replace(secret, "****");
      }
    }
    return scrubbed;
  }

  private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return type.cast(cause);
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return null;
  }

  @Override
  public void close() {
    io.close();
  }
}
