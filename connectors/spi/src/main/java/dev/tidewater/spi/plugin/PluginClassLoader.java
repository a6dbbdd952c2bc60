package dev.tidewater.spi.plugin;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.function.Supplier;

/**
 * A plugin's class loader (Trino's {@code PluginClassLoader}): the JDK's classes and the shared
 * packages (the SPI, Iceberg's API) come from the server, everything else only from the plugin's
 * own jars, so a plugin may bring libraries in versions that clash with the server's converged
 * class path. A class of a shared package that the server does not have (a plugin's own {@code
 * org.apache.iceberg.hive}) comes from the plugin.
 */
public final class PluginClassLoader extends URLClassLoader {
  static {
    ClassLoader.registerAsParallelCapable();
  }

  private final String pluginName;
  private final ClassLoader server;
  private final List<String> sharedPrefixes;

  public PluginClassLoader(
      String pluginName, List<URL> jars, ClassLoader server, List<String> sharedPrefixes) {
    // The platform loader as the parent: the JDK's classes, none of the server's.
    super("plugin-" + pluginName, jars.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    this.pluginName = requireNonNull(pluginName, "pluginName is null");
    this.server = requireNonNull(server, "server is null");
    this.sharedPrefixes = List.copyOf(sharedPrefixes);
  }

  public String pluginName() {
    return pluginName;
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    synchronized (getClassLoadingLock(name)) {
      Class<?> loaded = findLoadedClass(name);
      if (loaded == null && isShared(name)) {
        try {
          loaded = server.loadClass(name);
        } catch (ClassNotFoundException e) {
          // a package the plugin extends: its own classes follow
        }
      }
      if (loaded == null) {
        try {
          loaded = getParent().loadClass(name);
        } catch (ClassNotFoundException e) {
          loaded = findClass(name);
        }
      }
      if (resolve) {
        resolveClass(loaded);
      }
      return loaded;
    }
  }

  private boolean isShared(String className) {
    for (String prefix : sharedPrefixes) {
      if (className.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a resource belongs to the shared packages: a file in one of them, or the service file
   * of a shared interface ({@code META-INF/services/org.apache.hadoop.fs.FileSystem}: Hadoop finds
   * its file systems through the context loader).
   */
  private boolean isSharedResource(String name) {
    String path = name.startsWith("/") ? name.substring(1) : name;
    if (path.startsWith(SERVICES)) {
      return isShared(path.substring(SERVICES.length()));
    }
    return isShared(path.replace('/', '.'));
  }

  private static final String SERVICES = "META-INF/services/";

  @Override
  public URL getResource(String name) {
    URL own = findResource(name);
    if (own != null) {
      return own;
    }
    URL platform = getParent().getResource(name);
    if (platform != null || !isSharedResource(name)) {
      return platform;
    }
    return server.getResource(name);
  }

  @Override
  public Enumeration<URL> getResources(String name) throws IOException {
    List<URL> resources = new ArrayList<>(Collections.list(findResources(name)));
    resources.addAll(Collections.list(getParent().getResources(name)));
    if (isSharedResource(name)) {
      resources.addAll(Collections.list(server.getResources(name)));
    }
    return Collections.enumeration(resources);
  }

  @Override
  public String toString() {
    return "PluginClassLoader[" + pluginName + "]";
  }

  /**
   * Runs {@code work} with {@code loader} as the thread's context class loader (a plugin's
   * libraries find their service files and factories through it), then puts the previous one back.
   */
  public static <T> T withContextLoader(ClassLoader loader, Supplier<T> work) {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(loader);
    try {
      return work.get();
    } finally {
      thread.setContextClassLoader(previous);
    }
  }
}
