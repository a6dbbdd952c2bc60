package dev.tidewater.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.spi.TidewaterException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.Test;

class UsersTest {
  @Test
  void aHashVerifiesItsPasswordAndNoOther() {
    String hash = PasswordHashes.hash("correct horse");

    assertThat(hash).matches("pbkdf2-sha256\\$210000\\$[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+");
    assertThat(PasswordHashes.matches("correct horse", hash)).isTrue();
    assertThat(PasswordHashes.matches("correct horse ", hash)).isFalse();
    assertThat(PasswordHashes.matches("Correct horse", hash)).isFalse();
    // A random salt: the same password never hashes to the same text twice.
    assertThat(PasswordHashes.hash("correct horse")).isNotEqualTo(hash);
  }

  @Test
  void verifiesHashesMadeByAnyPbkdf2Sha256Implementation() throws Exception {
    // The stored format is plain PBKDF2-HMAC-SHA256, so hashes made elsewhere (here with fewer
    // iterations) work too.
    byte[] salt = "sixteen byte salt".getBytes(StandardCharsets.UTF_8);
    byte[] hash =
        SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
            .generateSecret(new PBEKeySpec("tide".toCharArray(), salt, 1000, 256))
            .getEncoded();
    String stored =
        "pbkdf2-sha256$1000$"
            + Base64.getEncoder().encodeToString(salt)
            + "$"
            + Base64.getEncoder().encodeToString(hash);

    assertThat(PasswordHashes.matches("tide", stored)).isTrue();
    assertThat(PasswordHashes.matches("water", stored)).isFalse();
  }

  @Test
  void aMalformedHashIsAUserErrorThatSaysHowToMakeOne() {
    for (String malformed :
        List.of(
            "plaintext-password",
            "pbkdf2-sha256$many$c2FsdA==$aGFzaA==",
            "pbkdf2-sha256$1000$not base64!$aGFzaA==",
            "md5$1000$c2FsdA==$aGFzaA==",
            "pbkdf2-sha256$1000$$")) {
      assertThatThrownBy(() -> PasswordHashes.check(malformed), malformed)
          .isInstanceOf(TidewaterException.class)
          .hasMessageContaining("pbkdf2-sha256$<iterations>$<salt>$<hash>")
          .hasMessageContaining("tidewater hash-password");
    }
  }

  @Test
  void configuredUsersLogInWithTheirPasswordOnly() {
    TidewaterConfig config =
        withUsers(
            new TidewaterConfig.UserEntry("etl", PasswordHashes.hash("etl-pass")),
            new TidewaterConfig.UserEntry("analyst", PasswordHashes.hash("analyst-pass")));
    List<String> announced = new ArrayList<>();

    Users users = Users.from(config, Map.<String, String>of()::get, announced::add);

    assertThat(users.authenticate("etl", "etl-pass")).isTrue();
    assertThat(users.authenticate("analyst", "analyst-pass")).isTrue();
    assertThat(users.authenticate("etl", "analyst-pass")).isFalse();
    assertThat(users.authenticate("nobody", "etl-pass")).isFalse();
    assertThat(users.authenticate("admin", "")).isFalse();
    assertThat(announced).isEmpty();
  }

  @Test
  void withoutUsersCreatesAdminWithARandomPasswordAnnouncedOnce() {
    List<String> announced = new ArrayList<>();

    Users users =
        Users.from(TidewaterConfig.defaults(), Map.<String, String>of()::get, announced::add);

    assertThat(announced).hasSize(1);
    Matcher password = Pattern.compile("password (\\S+) ").matcher(announced.get(0));
    assertThat(password.find()).as(announced.get(0)).isTrue();
    assertThat(password.group(1)).hasSize(24);
    assertThat(users.authenticate("admin", password.group(1))).isTrue();
    assertThat(users.authenticate("admin", password.group(1) + "x")).isFalse();
    assertThat(announced.get(0)).contains("TIDEWATER_USER", "TIDEWATER_PASSWORD");

    // Another start makes another password: nothing is stored or reused.
    List<String> again = new ArrayList<>();
    Users.from(TidewaterConfig.defaults(), Map.<String, String>of()::get, again::add);
    assertThat(again).hasSize(1).doesNotContain(announced.get(0));
  }

  @Test
  void theEnvironmentDefinesOneMoreUserAndNoAdmin() {
    TidewaterConfig config =
        withUsers(new TidewaterConfig.UserEntry("etl", PasswordHashes.hash("etl-pass")));
    Map<String, String> environment =
        Map.of("TIDEWATER_USER", "ci", "TIDEWATER_PASSWORD", "ci-pass");
    List<String> announced = new ArrayList<>();

    Users users = Users.from(config, environment::get, announced::add);

    assertThat(users.authenticate("ci", "ci-pass")).isTrue();
    assertThat(users.authenticate("ci", "etl-pass")).isFalse();
    assertThat(users.authenticate("etl", "etl-pass")).isTrue();
    assertThat(announced).isEmpty();

    Users only = Users.from(TidewaterConfig.defaults(), environment::get, announced::add);
    assertThat(only.authenticate("ci", "ci-pass")).isTrue();
    assertThat(only.authenticate("admin", "ci-pass")).isFalse();
    assertThat(announced).isEmpty();
  }

  @Test
  void aUserWithoutPasswordInTheEnvironmentIsAnError() {
    Map<String, String> environment = Map.of("TIDEWATER_USER", "ci");

    assertThatThrownBy(
            () -> Users.from(TidewaterConfig.defaults(), environment::get, message -> {}))
        .isInstanceOf(TidewaterException.class)
        .hasMessageContaining("TIDEWATER_USER")
        .hasMessageContaining("TIDEWATER_PASSWORD");
  }

  private static TidewaterConfig withUsers(TidewaterConfig.UserEntry... users) {
    TidewaterConfig defaults = TidewaterConfig.defaults();
    return new TidewaterConfig(
        defaults.dataDir(),
        defaults.host(),
        defaults.port(),
        null,
        null,
        false,
        defaults.memoryLimitBytes(),
        defaults.defaultCatalog(),
        Map.of(),
        List.of(users),
        null,
        null,
        null,
        defaults.limits());
  }
}
