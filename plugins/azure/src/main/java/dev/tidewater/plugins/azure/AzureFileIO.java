package dev.tidewater.plugins.azure;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.file.datalake.DataLakeFileSystemClient;
import java.net.URI;
import java.util.Map;
import org.apache.iceberg.azure.adlsv2.ADLSFileIO;
import org.apache.iceberg.io.FileInfo;

/**
 * Iceberg's {@link ADLSFileIO} (reads, writes, deletes, credentials and endpoints exactly as
 * Iceberg configures them) whose {@link #listPrefix} lists through the Blob service of the same
 * account, with the same HTTP pipeline (credentials, retries) as ADLSFileIO's client.
 *
 * <p>Why: ADLSFileIO lists with the Data Lake "Path - List" operation of the {@code dfs} endpoint,
 * which only accounts with a hierarchical namespace serve, and which the Azurite emulator does not
 * implement (it answers HTTP 400 with an empty body). The Blob "List Blobs" operation is served by
 * every account, with or without a hierarchical namespace, and by Azurite. Directories of a
 * hierarchical namespace show up in a blob listing as empty blobs with metadata {@code
 * hdi_isfolder=true}; they are left out, as ADLSFileIO leaves out directories.
 */
public class AzureFileIO extends ADLSFileIO {
  private static final String FOLDER_MARKER = "hdi_isfolder";

  public AzureFileIO() {}

  @Override
  public Iterable<FileInfo> listPrefix(String prefix) {
    DataLakeFileSystemClient fileSystem = client(prefix);
    BlobContainerClient container =
        new BlobContainerClientBuilder()
            .endpoint(blobEndpoint(fileSystem.getFileSystemUrl()))
            .pipeline(fileSystem.getHttpPipeline())
            .buildClient();
    String root = root(prefix);
    String keyPrefix = prefix.substring(root.length());
    ListBlobsOptions options =
        new ListBlobsOptions()
            .setPrefix(keyPrefix.isEmpty() ? null : keyPrefix)
            .setDetails(new BlobListDetails().setRetrieveMetadata(true));
    // A lazy, paged listing (one request per page of up to 5,000 blobs).
    return () ->
        container.listBlobs(options, null).stream()
            .filter(blob -> !Boolean.TRUE.equals(blob.isPrefix()) && !isFolder(blob))
            .map(
                blob ->
                    new FileInfo(
                        root + blob.getName(),
                        blob.getProperties().getContentLength(),
                        blob.getProperties().getLastModified().toInstant().toEpochMilli()))
            .iterator();
  }

  private static boolean isFolder(BlobItem blob) {
    Map<String, String> metadata = blob.getMetadata();
    return metadata != null && "true".equalsIgnoreCase(metadata.get(FOLDER_MARKER));
  }

  /** {@code abfss://container@host/}: everything of {@code location} before the path. */
  static String root(String location) {
    int scheme = location.indexOf("://");
    int slash = scheme < 0 ? -1 : location.indexOf('/', scheme + 3);
    return slash < 0 ? location + "/" : location.substring(0, slash + 1);
  }

  /**
   * The Blob service URL of a file system URL: the {@code dfs} host of a real account becomes its
   * {@code blob} host ({@code acct.dfs.core.windows.net} to {@code acct.blob.core.windows.net});
   * an emulator's {@code http://127.0.0.1:10000/devstoreaccount1/container} serves both.
   */
  static String blobEndpoint(String fileSystemUrl) {
    URI uri = URI.create(fileSystemUrl);
    String host = uri.getHost();
    if (host == null) {
      return fileSystemUrl;
    }
    int dfs = host.indexOf(".dfs.");
    if (dfs < 0) {
      return fileSystemUrl;
    }
    String blobHost = host.substring(0, dfs) + ".blob." + host.substring(dfs + ".dfs.".length());
    int at = fileSystemUrl.indexOf(host);
    return fileSystemUrl.substring(0, at) + blobHost + fileSystemUrl.substring(at + host.length());
  }
}
