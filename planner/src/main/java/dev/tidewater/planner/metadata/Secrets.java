package dev.tidewater.planner.metadata;

import dev.tidewater.spi.TidewaterException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Masks secret option values and resolves {@code ${env:NAME}} references at execution. */
public final class Secrets {
  /** What a masked value shows. */
  public static final String MASK = "********";

  private static final Pattern ENV_REFERENCE =
      Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");

  private Secrets() {}

  /** A copy of the options whose secret values (and only those) are replaced by {@link #MASK}. */
  public static Map<String, String> mask(Map<String, String> options, Set<String> secretNames) {
    Map<String, String> masked = new LinkedHashMap<>();
    options.forEach((key, value) -> masked.put(key, isSecret(key, secretNames) ? MASK : value));
    return masked;
  }

  /** Secret when the connector says so, or when the name says so whatever the connector. */
  public static boolean isSecret(String key, Set<String> secretNames) {
    String lower = key.toLowerCase(java.util.Locale.ROOT);
    return secretNames.contains(lower)
        || lower.contains("password")
        || lower.contains("secret")
        || lower.contains("token");
  }

  /** Replaces every {@code ${env:NAME}} in {@code value}; a missing variable is a user error. */
  public static String resolve(String value, Function<String, String> environment) {
    Matcher matcher = ENV_REFERENCE.matcher(value);
    StringBuilder resolved = new StringBuilder();
    while (matcher.find()) {
      String name = matcher.group(1);
      String replacement = environment.apply(name);
      if (replacement == null) {
        throw TidewaterException.user("environment variable %s is not set", name);
      }
      matcher.appendReplacement(resolved, Matcher.quoteReplacement(replacement));
    }
    matcher.appendTail(resolved);
    return resolved.toString();
  }

  /** Resolves every value of an option map. */
  public static Map<String, String> resolveAll(
      Map<String, String> options, Function<String, String> environment) {
    Map<String, String> resolved = new LinkedHashMap<>();
    options.forEach((key, value) -> resolved.put(key, resolve(value, environment)));
    return resolved;
  }
}
