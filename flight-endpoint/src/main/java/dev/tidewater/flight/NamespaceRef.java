package dev.tidewater.flight;

import static java.util.Objects.requireNonNull;

/** A namespace of a catalog; nested namespaces are joined by {@code '.'}. */
public record NamespaceRef(String catalog, String namespace) {
  public NamespaceRef {
    requireNonNull(catalog, "catalog is null");
    requireNonNull(namespace, "namespace is null");
  }
}
