package dev.tidewater.iceberg;

import dev.tidewater.spi.TidewaterException;
import dev.tidewater.spi.plugin.PluginClassLoader;
import dev.tidewater.spi.plugin.Plugins;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Catalog;

/**
 * Catalogs whose classes come from a plugin ({@code plugins/<name>/*.jar}): which plugin a
 * catalog's properties need, building it with the plugin's class loader as the thread's context
 * loader, and a proxy that keeps that context loader for every call (Trino's {@code
 * ThreadContextClassLoader}), since Hadoop's and Hive's code look classes up through it.
 */
final class PluginCatalogs {
  /** Tidewater's own catalog property: the plugin whose jars hold the catalog's classes. */
  static final String PLUGIN = "plugin";

  /**
   * What a catalog plugin sees of the server: Iceberg (its API, core and bundled Guava) and
   * Hadoop's client API, so that its tables are the server's tables, and Jackson, which Iceberg's
   * API exposes (JsonUtil); its own copies of everything else.
   */
  static final List<String> SHARED_PACKAGES =
      List.of(
          "org.apache.iceberg.",
          "org.apache.hadoop.",
          "com.fasterxml.jackson.",
          "org.slf4j.",
          "dev.tidewater.spi.");

  /** The catalog types whose implementation ships as a plugin, by the plugin's default name. */
  private static final Map<String, String> PLUGIN_TYPES =
      Map.of(CatalogUtil.ICEBERG_CATALOG_TYPE_HIVE, "hive");

  private PluginCatalogs() {}

  /**
   * The plugin catalog {@code name} needs, if any: the one its {@code plugin} property names, the
   * plugin of its {@code type} ({@code hive}), or the plugin that holds its {@code catalog-impl}
   * class when the server does not. A user error when that plugin is missing or broken.
   */
  static Optional<PluginClassLoader> pluginFor(
      String name, Map<String, String> properties, Plugins plugins) {
    String explicit = properties.get(PLUGIN);
    String type = properties.get(CatalogUtil.ICEBERG_CATALOG_TYPE);
    String impl = properties.get(CatalogProperties.CATALOG_IMPL);
    String pluginName = explicit;
    if (pluginName == null && impl == null && type != null) {
      pluginName = PLUGIN_TYPES.get(type.toLowerCase(java.util.Locale.ROOT));
    }
    if (pluginName == null && impl != null && !onServer(impl)) {
      Optional<PluginClassLoader> providing = plugins.providing(impl);
      if (providing.isPresent()) {
        return providing;
      }
    }
    if (pluginName == null) {
      return Optional.empty();
    }
    String wanted = pluginName;
    Optional<PluginClassLoader> loader = plugins.plugin(wanted);
    if (loader.isPresent()) {
      return loader;
    }
    Optional<Plugins.Problem> problem = plugins.problem(wanted);
    if (problem.isPresent()) {
      throw TidewaterException.user(
          "catalog '%s' needs plugin '%s', which did not load: %s: %s",
          name, wanted, problem.get().file(), problem.get().reason());
    }
    throw TidewaterException.user(
        "catalog '%s' needs plugin '%s', which is not installed: no directory %s (plugins"
            + " there: %s)",
        name,
        wanted,
        plugins.directory() == null ? "plugins/" + wanted : plugins.directory().resolve(wanted),
        plugins.names().isEmpty() ? "none" : String.join(", ", plugins.names()));
  }

  private static boolean onServer(String className) {
    try {
      Class.forName(className, false, PluginCatalogs.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /**
   * {@code catalog} behind a proxy of every server-visible interface it implements ({@code
   * Catalog}, {@code SupportsNamespaces}, {@code ViewCatalog}, {@code Closeable}, ...), each call
   * made with the plugin's loader as context loader.
   */
  static Catalog wrap(String name, Catalog catalog, PluginClassLoader loader) {
    Set<Class<?>> interfaces = new LinkedHashSet<>();
    for (Class<?> type = catalog.getClass(); type != null; type = type.getSuperclass()) {
      collectInterfaces(type, interfaces);
    }
    interfaces.removeIf(type -> !visibleOnServer(type));
    InvocationHandler handler =
        (proxy, method, args) -> {
          if (method.getDeclaringClass() == Object.class && method.getName().equals("toString")) {
            return catalog.toString();
          }
          Thread thread = Thread.currentThread();
          ClassLoader previous = thread.getContextClassLoader();
          thread.setContextClassLoader(loader);
          try {
            return method.invoke(catalog, args);
          } catch (InvocationTargetException e) {
            throw translate(name, loader, e.getCause());
          } finally {
            thread.setContextClassLoader(previous);
          }
        };
    return (Catalog)
        Proxy.newProxyInstance(
            PluginCatalogs.class.getClassLoader(), interfaces.toArray(Class<?>[]::new), handler);
  }

  /**
   * An exception of a type the plugin defines (Hive's {@code RuntimeMetaException}: the metastore
   * is unreachable) means nothing to the server, which would report an internal error: it becomes
   * an external error naming the catalog. Iceberg's own exceptions pass unchanged.
   */
  private static Throwable translate(String name, PluginClassLoader loader, Throwable error) {
    if (error instanceof RuntimeException && error.getClass().getClassLoader() == loader) {
      Throwable root = error;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      return TidewaterException.external(
          error,
          "catalog '%s' (plugin '%s'): %s%s",
          name,
          loader.pluginName(),
          error.getMessage(),
          root == error ? "" : " (" + root + ")");
    }
    return error;
  }

  private static void collectInterfaces(Class<?> type, Set<Class<?>> into) {
    for (Class<?> implemented : type.getInterfaces()) {
      if (into.add(implemented)) {
        collectInterfaces(implemented, into);
      }
    }
  }

  private static boolean visibleOnServer(Class<?> type) {
    try {
      return java.lang.reflect.Modifier.isPublic(type.getModifiers())
          && Class.forName(type.getName(), false, PluginCatalogs.class.getClassLoader()) == type;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
