package dev.tidewater.connector.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Masks secret values (tokens, passwords, API keys, also URL-encoded, and the user info of URLs) in
 * every text the HTTP source puts into a message or a log line.
 */
final class Masking {
  static final String MASK = "***";
  private static final Pattern USER_INFO = Pattern.compile("(?i)(https?://)[^/@\\s]+@");

  private final List<String> secrets;

  Masking(List<String> secrets) {
    List<String> all = new ArrayList<>();
    for (String secret : secrets) {
      if (secret != null && !secret.isEmpty()) {
        all.add(secret);
        String encoded = URLEncoder.encode(secret, StandardCharsets.UTF_8);
        if (!encoded.equals(secret)) {
          all.add(encoded);
        }
      }
    }
    // longer first, so that a secret containing another is masked whole
    all.sort(Comparator.comparingInt(String::length).reversed());
    this.secrets = List.copyOf(all);
  }

  /** {@code text} with every secret and URL user info replaced by {@code ***}. */
  String mask(String text) {
    if (text == null) {
      return null;
    }
    String masked = maskUserInfo(text);
    for (String secret : secrets) {
      masked = masked.replace(secret, MASK);
    }
    return masked;
  }

  /** {@code https://user:secret@host/} becomes {@code https://***@host/}. */
  static String maskUserInfo(String text) {
    return USER_INFO.matcher(text).replaceAll("$1" + MASK + "@");
  }
}
