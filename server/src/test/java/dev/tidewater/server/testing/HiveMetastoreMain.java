package dev.tidewater.server.testing;

/**
 * The entry point of the metastore process {@link HiveMetastoreService} starts: Iceberg's {@code
 * TestHiveMetastore} (on the process's class path: the Hive plugin's jars, never the test's) on
 * embedded Derby. Prints {@code metastore listening on <uri>}, then serves until its standard input
 * closes (the test ends or dies).
 */
public final class HiveMetastoreMain {
  private HiveMetastoreMain() {}

  public static void main(String[] args) throws Exception {
    Class<?> type = Class.forName("org.apache.iceberg.hive.TestHiveMetastore");
    Object metastore = type.getConstructor().newInstance();
    type.getMethod("start").invoke(metastore);
    Object hiveConf = type.getMethod("hiveConf").invoke(metastore);
    String uri =
        (String)
            hiveConf
                .getClass()
                .getMethod("get", String.class)
                .invoke(hiveConf, "hive.metastore.uris");
    System.out.println("metastore listening on " + uri);
    System.out.flush();
    while (System.in.read() != -1) {
      // serve until the parent closes our input
    }
    Runtime.getRuntime().halt(0);
  }
}
