package dev.tidewater.spi.plugin;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugin directory: {@code <dir>/<name>/*.jar}, each plugin in its own {@link
 * PluginClassLoader}. A plugin with a jar that cannot be read is left out and named in {@link
 * #problems}; the others load, and the server starts.
 */
public final class Plugins implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Plugins.class);

  /** A plugin that could not be loaded: which one, which file, and why. */
  public record Problem(String plugin, Path file, String reason) {
    public Problem {
      requireNonNull(plugin, "plugin is null");
      requireNonNull(file, "file is null");
      requireNonNull(reason, "reason is null");
    }

    @Override
    public String toString() {
      return "plugin '" + plugin + "' is not loaded: " + file + ": " + reason;
    }
  }

  private final Path directory;
  private final Map<String, PluginClassLoader> loaders;
  private final List<Problem> problems;

  private Plugins(Path directory, Map<String, PluginClassLoader> loaders, List<Problem> problems) {
    this.directory = directory;
    this.loaders = loaders;
    this.problems = List.copyOf(problems);
  }

  /** No plugins. */
  public static Plugins none() {
    return new Plugins(null, new TreeMap<>(), List.of());
  }

  /**
   * Loads every plugin under {@code directory} (missing: none), each seeing the classes of {@code
   * server} whose names start with one of {@code sharedPrefixes}.
   */
  public static Plugins load(Path directory, ClassLoader server, List<String> sharedPrefixes) {
    Map<String, PluginClassLoader> loaders = new TreeMap<>();
    List<Problem> problems = new ArrayList<>();
    if (directory == null || !Files.isDirectory(directory)) {
      return new Plugins(directory, loaders, problems);
    }
    for (Path pluginDirectory : list(directory)) {
      if (!Files.isDirectory(pluginDirectory)) {
        continue;
      }
      String name = pluginDirectory.getFileName().toString().toLowerCase(Locale.ROOT);
      List<URL> jars = new ArrayList<>();
      Problem problem = null;
      for (Path file : list(pluginDirectory)) {
        if (!file.getFileName().toString().endsWith(".jar")) {
          continue;
        }
        String reason = unreadable(file);
        if (reason != null) {
          problem = new Problem(name, file, reason);
          break;
        }
        jars.add(url(file));
      }
      if (problem == null && jars.isEmpty()) {
        problem = new Problem(name, pluginDirectory, "no jar files in it");
      }
      if (problem != null) {
        LOG.warn("{}", problem);
        problems.add(problem);
        continue;
      }
      loaders.put(name, new PluginClassLoader(name, jars, server, sharedPrefixes));
      LOG.info("plugin '{}' loaded from {} ({} jars)", name, pluginDirectory, jars.size());
    }
    return new Plugins(directory, loaders, problems);
  }

  /** Where the plugins are; null for {@link #none}. */
  public Path directory() {
    return directory;
  }

  /** The loaded plugins' names, sorted. */
  public List<String> names() {
    return List.copyOf(loaders.keySet());
  }

  /** The plugins that could not be loaded. */
  public List<Problem> problems() {
    return problems;
  }

  /** The class loader of plugin {@code name}, if it loaded. */
  public Optional<PluginClassLoader> plugin(String name) {
    return Optional.ofNullable(loaders.get(name.toLowerCase(Locale.ROOT)));
  }

  /** The problem that kept plugin {@code name} from loading, if one did. */
  public Optional<Problem> problem(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return problems.stream().filter(problem -> problem.plugin().equals(lower)).findFirst();
  }

  /** The first plugin (by name) whose own jars hold class {@code className}. */
  public Optional<PluginClassLoader> providing(String className) {
    String resource = className.replace('.', '/') + ".class";
    return loaders.values().stream()
        .filter(loader -> loader.findResource(resource) != null)
        .findFirst();
  }

  @Override
  public void close() {
    for (PluginClassLoader loader : loaders.values()) {
      try {
        loader.close();
      } catch (IOException e) {
        LOG.warn("cannot close plugin '{}'", loader.pluginName(), e);
      }
    }
  }

  private static List<Path> list(Path directory) {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list plugin directory " + directory, e);
    }
  }

  /** Why {@code jar} cannot be used, or null: every entry of its directory is read. */
  private static String unreadable(Path jar) {
    try (JarFile file = new JarFile(jar.toFile())) {
      Enumeration<JarEntry> entries = file.entries();
      while (entries.hasMoreElements()) {
        entries.nextElement();
      }
      return null;
    } catch (IOException | SecurityException e) {
      return "not a readable jar (" + e.getMessage() + ")";
    }
  }

  private static URL url(Path file) {
    try {
      return file.toUri().toURL();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
