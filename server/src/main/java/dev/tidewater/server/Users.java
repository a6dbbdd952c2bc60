package dev.tidewater.server;

import dev.tidewater.spi.TidewaterException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Who may connect: users from the configuration file, plus one from {@code TIDEWATER_USER} / {@code
 * TIDEWATER_PASSWORD}; with neither, user {@code admin} with a random password that is announced
 * once. There is no unauthenticated access.
 */
public final class Users {
  private final Map<String, String> hashes;

  private Users(Map<String, String> hashes) {
    this.hashes = Map.copyOf(hashes);
  }

  public static Users from(
      TidewaterConfig config, Function<String, String> environment, Consumer<String> announce) {
    Map<String, String> hashes = new LinkedHashMap<>();
    config.users().forEach(user -> hashes.put(user.name(), user.passwordHash()));
    String user = environment.apply("TIDEWATER_USER");
    String password = environment.apply("TIDEWATER_PASSWORD");
    boolean hasPassword = password != null && !password.isEmpty();
    if (user != null && !user.isBlank()) {
      // Without this check the user would silently not exist (and 'admin' might be created).
      TidewaterException.check(
          hasPassword, "TIDEWATER_USER is set to '%s' but TIDEWATER_PASSWORD is not", user);
      hashes.put(user, PasswordHashes.hash(password));
    }
    if (hashes.isEmpty()) {
      String generated = PasswordHashes.randomPassword();
      hashes.put("admin", PasswordHashes.hash(generated));
      announce.accept(
          "No users are configured: created user 'admin' with password "
              + generated
              + " (shown once; set TIDEWATER_USER and TIDEWATER_PASSWORD or 'users' in the"
              + " configuration to choose your own)");
    }
    return new Users(hashes);
  }

  /** Whether the user exists and the password matches. */
  public boolean authenticate(String user, String password) {
    String hash = hashes.get(user);
    if (hash == null) {
      // Spend the same time as for a known user, so names cannot be probed by timing.
      PasswordHashes.matches(password, DUMMY_HASH);
      return false;
    }
    return PasswordHashes.matches(password, hash);
  }

  private static final String DUMMY_HASH = PasswordHashes.hash("not a password");
}
