package dev.tidewater.connector.files;

import dev.tidewater.spi.TidewaterException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * S3FileIO} for {@code s3://} (paged listing, ranged reads), and Iceberg's GCS and ADLS FileIOs for
 * {@code gs://} and {@code abfss://} when they are on the class path.
 */
final class ObjectFileStore implements FileStore {
  static final String GCS_FILE_IO = "org.apache.iceberg.gcp.gcs.GCSFileIO";
  static final String ADLS_FILE_IO = "org.apache.iceberg.azure.adlsv2.ADLSFileIO";

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
      ObjectLocation location, Map<String, String> storageOptions, Collection<String> secrets) {
    Map<String, String> properties = fileIoProperties(storageOptions);
    FileIO io;
    if (ObjectLocation.S3_SCHEMES.contains(location.scheme())) {
      S3FileIO s3 = new S3FileIO();
      s3.initialize(properties);
      io = s3;
    } else {
      String implementation =
          ObjectLocation.GCS_SCHEMES.contains(location.scheme()) ? GCS_FILE_IO : ADLS_FILE_IO;
      io = load(location, implementation, properties);
    }
    return new ObjectFileStore(location, io, List.copyOf(secrets));
  }

  static Map<String, String> fileIoProperties(Map<String, String> storageOptions) {
    Map<String, String> properties = new HashMap<>();
    for (Map.Entry<String, String> option : storageOptions.entrySet()) {
      String key = option.getKey();
      properties.put(key.equals(FilesOptions.S3_REGION) ? "client.region" : key, option.getValue());
    }
    return properties;
  }

  private static FileIO load(
      ObjectLocation location, String implementation, Map<String, String> properties) {
    try {
      Class.forName(implementation, false, ObjectFileStore.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      String module = implementation.equals(GCS_FILE_IO) ? "iceberg-gcp" : "iceberg-azure";
      throw TidewaterException.user(
          "location '%s': %s:// locations are read through Iceberg's %s, which is not on this"
              + " server's class path; add %s and its cloud SDK (see docs/connectors.md,"
              + " 'Object storage')",
          location, location.scheme(), implementation, module);
    }
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
    if (!(io instanceof SupportsPrefixOperations listing)) {
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
