package dev.tidewater.connector.files;

import dev.tidewater.spi.TidewaterException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The {@code location} option: a file, a directory (its regular files, not recursive), or a glob
 * ({@code /data/landing/*.csv}, {@code /data/**}{@code /*.jsonl}, where {@code **} also matches no
 * directory at all); plain paths or {@code file:} URIs. Hidden files (names starting with a dot)
 * are skipped unless named exactly.
 */
final class FileLocation {
  private static final Pattern SCHEME = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*)://");

  private final String text;
  private final Path base;
  private final String glob;

  private FileLocation(String text, Path base, String glob) {
    this.text = text;
    this.base = base;
    this.glob = glob;
  }

  /** Parses and checks a location without touching the file system. */
  static FileLocation parse(String location) {
    String text = location.trim();
    if (text.isEmpty()) {
      throw TidewaterException.user("option 'location' is empty");
    }
    Matcher scheme = SCHEME.matcher(text);
    String path = text;
    if (scheme.find()) {
      String name = scheme.group(1).toLowerCase(Locale.ROOT);
      if (!name.equals("file")) {
        throw TidewaterException.user("location '%s': not a local path or file:// URI", text);
      }
      path = decodePercent(stripFileAuthority(text.substring(scheme.end())));
    } else if (text.regionMatches(true, 0, "file:", 0, 5)) {
      path = decodePercent(text.substring(5));
    }
    try {
      int globStart = firstGlobCharacter(path);
      if (globStart < 0) {
        return new FileLocation(text, Paths.get(path).toAbsolutePath().normalize(), null);
      }
      int separator = path.lastIndexOf('/', globStart);
      String directory = separator < 0 ? "" : path.substring(0, separator + 1);
      Path base = Paths.get(directory.isEmpty() ? "." : directory).toAbsolutePath().normalize();
      String pattern = path.substring(separator + 1);
      return new FileLocation(text, base, pattern);
    } catch (InvalidPathException e) {
      throw TidewaterException.user("location '%s' is not a valid path: %s", text, e.getReason());
    }
  }

  private static String stripFileAuthority(String rest) {
    // file:///data/x -> /data/x ; file://localhost/data/x -> /data/x
    if (rest.startsWith("/")) {
      return rest;
    }
    int slash = rest.indexOf('/');
    String authority = slash < 0 ? rest : rest.substring(0, slash);
    if (!authority.isEmpty() && !authority.equalsIgnoreCase("localhost")) {
      throw TidewaterException.user(
          "file:// URI with host '%s' is not supported; use file:///path", authority);
    }
    return slash < 0 ? "/" : rest.substring(slash);
  }

  private static String decodePercent(String text) {
    if (text.indexOf('%') < 0) {
      return text;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%'
          && i + 2 < text.length()
          && isHex(text.charAt(i + 1))
          && isHex(text.charAt(i + 2))) {
        bytes.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(encoded, 0, encoded.length);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static boolean isHex(char c) {
    return Character.digit(c, 16) >= 0;
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

  /** The location as the user wrote it. */
  String text() {
    return text;
  }

  /** The file or directory names are shown relative to. */
  Path displayBase() {
    if (glob != null || Files.isDirectory(base)) {
      return base;
    }
    Path parent = base.getParent();
    return parent == null ? base : parent;
  }

  /** The matching regular files, sorted by path; empty when nothing matches. */
  List<Path> files() {
    try {
      if (glob == null) {
        if (Files.isRegularFile(base)) {
          return List.of(base);
        }
        if (Files.isDirectory(base)) {
          try (Stream<Path> children = Files.list(base)) {
            return sorted(children.filter(FileLocation::isVisibleRegularFile));
          }
        }
        return List.of();
      }
      if (!Files.isDirectory(base)) {
        return List.of();
      }
      String pattern = base.toString().replace("\\", "\\\\") + "/" + glob;
      List<PathMatcher> matchers = new ArrayList<>();
      matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + pattern));
      if (pattern.contains("/**/")) {
        matchers.add(
            FileSystems.getDefault().getPathMatcher("glob:" + pattern.replace("/**/", "/")));
      }
      boolean recursive = glob.contains("/") || glob.contains("**");
      try (Stream<Path> candidates = recursive ? Files.walk(base) : Files.list(base)) {
        return sorted(
            candidates
                .filter(FileLocation::isVisibleRegularFile)
                .filter(path -> matchers.stream().anyMatch(matcher -> matcher.matches(path))));
      }
    } catch (IOException | UncheckedIOException e) {
      throw TidewaterException.user("location '%s': cannot list files: %s", text, e.getMessage());
    } catch (java.util.regex.PatternSyntaxException e) {
      // e.g. an unbalanced '{' left by a '${env:...}' reference that was not resolved
      throw TidewaterException.user(
          "location '%s' is not a valid glob: %s at index %d of the pattern",
          text, e.getDescription(), e.getIndex());
    }
  }

  private static boolean isVisibleRegularFile(Path path) {
    Path name = path.getFileName();
    return name != null && !name.toString().startsWith(".") && Files.isRegularFile(path);
  }

  private static List<Path> sorted(Stream<Path> paths) {
    return paths.sorted(Comparator.comparing(Path::toString)).toList();
  }

  @Override
  public String toString() {
    return text;
  }
}
