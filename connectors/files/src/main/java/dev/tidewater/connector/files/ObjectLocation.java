package dev.tidewater.connector.files;

import dev.tidewater.spi.TidewaterException;
import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.PathMatcher;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A location in an object store: {@code s3://bucket/prefix/*.csv}, {@code gs://bucket/key}, {@code
 * abfss://container@account.dfs.core.windows.net/dir/}. Without a glob it names one object or, when
 * no object has that key, the objects directly below it as a directory. Globs match the keys below
 * the part before the first glob character, as for local paths ({@code **} spans directories, also
 * none).
 *
 * @param root {@code scheme://authority/}
 * @param prefix the key prefix that is listed (up to the last {@code /} before a glob)
 * @param glob the pattern the rest of a key must match, or null
 */
record ObjectLocation(String text, String scheme, String root, String prefix, String glob) {
  static final Set<String> S3_SCHEMES = Set.of("s3", "s3a", "s3n");
  static final Set<String> GCS_SCHEMES = Set.of("gs");
  static final Set<String> AZURE_SCHEMES = Set.of("abfs", "abfss", "wasb", "wasbs");

  static boolean isObjectStore(String scheme) {
    return S3_SCHEMES.contains(scheme)
        || GCS_SCHEMES.contains(scheme)
        || AZURE_SCHEMES.contains(scheme);
  }

  /** Parses {@code scheme://authority/key}; the scheme is one of {@link #isObjectStore}. */
  static ObjectLocation parse(String text, String scheme, String afterScheme) {
    int slash = afterScheme.indexOf('/');
    String authority = slash < 0 ? afterScheme : afterScheme.substring(0, slash);
    String key = slash < 0 ? "" : afterScheme.substring(slash + 1);
    if (authority.isEmpty()) {
      throw TidewaterException.user(
          "location '%s' names no bucket; write %s://bucket/path", text, scheme);
    }
    if (firstGlobCharacter(authority) >= 0) {
      throw TidewaterException.user(
          "location '%s': globs are allowed in the path, not in the bucket name", text);
    }
    String root = scheme + "://" + authority + "/";
    int globStart = firstGlobCharacter(key);
    if (globStart < 0) {
      return new ObjectLocation(text, scheme.toLowerCase(Locale.ROOT), root, key, null);
    }
    int separator = key.lastIndexOf('/', globStart);
    String prefix = separator < 0 ? "" : key.substring(0, separator + 1);
    String glob = key.substring(separator + 1);
    try {
      FileSystems.getDefault().getPathMatcher("glob:" + glob);
    } catch (IllegalArgumentException e) {
      throw TidewaterException.user("location '%s': not a valid glob: %s", text, e.getMessage());
    }
    return new ObjectLocation(text, scheme.toLowerCase(Locale.ROOT), root, prefix, glob);
  }

  private static int firstGlobCharacter(String path) {
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == '{') {
        return i;
      }
    }
    return -1;
  }

  /** What is listed: the prefix of every candidate's location. */
  String listPrefix() {
    return root + prefix;
  }

  /** The key of {@code location}, which starts with {@link #root}. */
  String key(String location) {
    return location.startsWith(root) ? location.substring(root.length()) : location;
  }

  /** Keeps the listed keys that the location names, as {@link Match}es. */
  List<Match> select(List<String> keys) {
    List<Match> matches = new ArrayList<>();
    if (glob == null) {
      if (!prefix.isEmpty() && !prefix.endsWith("/") && keys.contains(prefix)) {
        int slash = prefix.lastIndexOf('/');
        return List.of(new Match(prefix, prefix.substring(slash + 1)));
      }
      String directory = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
      for (String key : keys) {
        if (key.startsWith(directory)) {
          String relative = key.substring(directory.length());
          if (!relative.isEmpty() && relative.indexOf('/') < 0 && visible(relative)) {
            matches.add(new Match(key, relative));
          }
        }
      }
      return matches;
    }
    List<PathMatcher> matchers = new ArrayList<>();
    matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
    if (glob.contains("**/")) {
      matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + glob.replace("**/", "")));
    }
    boolean recursive = glob.contains("/") || glob.contains("**");
    for (String key : keys) {
      if (!key.startsWith(prefix)) {
        continue;
      }
      String relative = key.substring(prefix.length());
      if (relative.isEmpty() || relative.endsWith("/") || !visible(lastSegment(relative))) {
        continue;
      }
      if (!recursive && relative.indexOf('/') >= 0) {
        continue;
      }
      try {
        java.nio.file.Path path = Paths.get(relative);
        if (matchers.stream().anyMatch(matcher -> matcher.matches(path))) {
          matches.add(new Match(key, relative));
        }
      } catch (InvalidPathException e) {
        // a key that is no path cannot match a glob
      }
    }
    return matches;
  }

  private static String lastSegment(String relative) {
    return relative.substring(relative.lastIndexOf('/') + 1);
  }

  private static boolean visible(String name) {
    return !name.startsWith(".");
  }

  /** A selected key and its name relative to the location. */
  record Match(String key, String displayName) {}

  @Override
  public String toString() {
    return text;
  }
}
