package dev.tidewater.server;

import dev.tidewater.spi.TidewaterException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Password hashes as stored in the configuration: {@code pbkdf2-sha256$iterations$salt$hash} (salt
 * and hash in Base64). PBKDF2 ships with every JDK.
 */
public final class PasswordHashes {
  private static final String PREFIX = "pbkdf2-sha256";
  private static final int ITERATIONS = 210_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  private PasswordHashes() {}

  public static String hash(String password) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    byte[] hash = pbkdf2(password, salt, ITERATIONS);
    return PREFIX
        + "$"
        + ITERATIONS
        + "$"
        + Base64.getEncoder().encodeToString(salt)
        + "$"
        + Base64.getEncoder().encodeToString(hash);
  }

  /** Whether the password matches the hash, compared in constant time. */
  public static boolean matches(String password, String stored) {
    Parsed parsed = parse(stored);
    byte[] actual = pbkdf2(password, parsed.salt(), parsed.iterations());
    return MessageDigest.isEqual(parsed.hash(), actual);
  }

  /** Throws a user error, saying what a hash looks like, unless {@code stored} is one. */
  public static void check(String stored) {
    parse(stored);
  }

  private record Parsed(int iterations, byte[] salt, byte[] hash) {}

  private static Parsed parse(String stored) {
    String[] parts = stored.split("\\$", -1);
    if (parts.length == 4 && parts[0].equals(PREFIX)) {
      try {
        int iterations = Integer.parseInt(parts[1]);
        byte[] salt = Base64.getDecoder().decode(parts[2]);
        byte[] hash = Base64.getDecoder().decode(parts[3]);
        if (iterations > 0 && salt.length > 0 && hash.length > 0) {
          return new Parsed(iterations, salt, hash);
        }
      } catch (IllegalArgumentException e) {
        // not a number or not Base64: the message below says what is expected
      }
    }
    throw TidewaterException.user(
        "a password hash must look like %s$<iterations>$<salt>$<hash> (salt and hash in Base64);"
            + " make one with 'tidewater hash-password'",
        PREFIX);
  }

  /** A random password of 24 URL-safe characters. */
  public static String randomPassword() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static byte[] pbkdf2(String password, byte[] salt, int iterations) {
    try {
      PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw TidewaterException.internal(e, "PBKDF2 is not available");
    }
  }
}
