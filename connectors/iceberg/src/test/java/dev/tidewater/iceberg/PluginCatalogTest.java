package dev.tidewater.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.spi.TidewaterException;
import dev.tidewater.spi.plugin.PluginClassLoader;
import dev.tidewater.spi.plugin.Plugins;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A catalog from a plugin jar built by the test (compiled from source here, so the server's class
 * path does not have it): it loads in its own child-first class loader that sees Iceberg from the
 * server and its own copy of a library the server has too; a broken jar leaves the others loading
 * and is named.
 */
class PluginCatalogTest {
  @TempDir static Path plugins;

  @BeforeAll
  static void buildPlugins() throws Exception {
    Path sources = Files.createDirectories(plugins.resolve("../plugin-sources"));
    Path classes = Files.createDirectories(plugins.resolve("../plugin-classes"));
    Path catalog = sources.resolve("plugin/echo/EchoCatalog.java");
    Files.createDirectories(catalog.getParent());
    Files.writeString(
        catalog,
        "package plugin.echo;\n"
            + "public class EchoCatalog extends org.apache.iceberg.inmemory.InMemoryCatalog {\n"
            + "  public String guavaLoader() {\n"
            + "    return com.google.common.base.Strings.class.getClassLoader().toString();\n"
            + "  }\n"
            + "}\n");
    // The plugin's own "Guava": a class the server also has, in another version.
    Path strings = sources.resolve("com/google/common/base/Strings.java");
    Files.createDirectories(strings.getParent());
    Files.writeString(
        strings,
        "package com.google.common.base;\npublic final class Strings { public static String"
            + " version() { return \"plugin\"; } }\n");
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    int status =
        compiler.run(
            null,
            null,
            null,
            "-classpath",
            System.getProperty("java.class.path"),
            "-d",
            classes.toString(),
            catalog.toString(),
            strings.toString());
    assertThat(status).isZero();
    jar(classes, Files.createDirectories(plugins.resolve("echo")).resolve("echo-catalog.jar"));
    Path broken = Files.createDirectories(plugins.resolve("broken"));
    Files.writeString(broken.resolve("metastore-client.jar"), "this is not a zip file");
  }

  @Test
  void aPluginCatalogLoadsInItsOwnClassLoaderAndWorksOnServerTables() throws Exception {
    try (Plugins loaded =
            Plugins.load(
                plugins, getClass().getClassLoader(), CatalogRegistry.pluginSharedPackages());
        CatalogRegistry registry =
            CatalogRegistry.create(
                Map.of(
                    "echo",
                    Map.of(
                        "catalog-impl",
                        "plugin.echo.EchoCatalog",
                        "warehouse",
                        plugins.resolve("../warehouse").toUri().toString())),
                loaded);
        BufferAllocator allocator = new RootAllocator()) {
      assertThat(loaded.names()).containsExactly("echo");
      assertThat(loaded.problems())
          .singleElement()
          .satisfies(
              problem -> {
                assertThat(problem.plugin()).isEqualTo("broken");
                assertThat(problem.file().getFileName().toString())
                    .isEqualTo("metastore-client.jar");
                assertThat(problem.toString()).contains("not a readable jar");
              });

      Catalog catalog = registry.catalog("echo");
      assertThat(Proxy.isProxyClass(catalog.getClass())).isTrue();
      assertThat(catalog).isInstanceOf(SupportsNamespaces.class);
      PluginClassLoader loader = loaded.plugin("echo").orElseThrow();
      // Child-first: the plugin's copy of a class the server has; the server's Iceberg; nothing
      // else of the server.
      assertThat(loader.loadClass("com.google.common.base.Strings").getClassLoader())
          .isSameAs(loader);
      assertThat(loader.loadClass("org.apache.iceberg.Table"))
          .isSameAs(org.apache.iceberg.Table.class);
      assertThatThrownBy(() -> loader.loadClass(CatalogRegistry.class.getName()))
          .isInstanceOf(ClassNotFoundException.class);

      // The plugin's catalog creates, commits and reads back server-side Iceberg tables.
      CatalogRoundTrip.run(catalog, TableIdentifier.of("sales", "orders"), allocator);
      assertThat(catalog.listTables(org.apache.iceberg.catalog.Namespace.of("sales")))
          .containsExactly(TableIdentifier.of("sales", "orders"));
    }
  }

  @Test
  void aCatalogOfABrokenPluginNamesTheJar() {
    try (Plugins loaded =
            Plugins.load(
                plugins, getClass().getClassLoader(), CatalogRegistry.pluginSharedPackages());
        CatalogRegistry registry =
            CatalogRegistry.create(
                Map.of("metastore", Map.of("type", "hive", "plugin", "broken")), loaded)) {
      assertThatThrownBy(() -> registry.catalog("metastore"))
          .isInstanceOf(TidewaterException.class)
          .hasMessageStartingWith("catalog 'metastore' needs plugin 'broken', which did not load: ")
          .hasMessageContaining("metastore-client.jar: not a readable jar");
    }
  }

  private static void jar(Path classes, Path jar) throws IOException {
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream entries = new JarOutputStream(out);
        Stream<Path> files = Files.walk(classes)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        entries.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
        Files.copy(file, entries);
        entries.closeEntry();
      }
    }
  }
}
