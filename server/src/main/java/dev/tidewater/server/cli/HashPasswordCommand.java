package dev.tidewater.server.cli;

import dev.tidewater.server.PasswordHashes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code tidewater hash-password}: makes a password hash for the configuration's users. */
@Command(
    name = "hash-password",
    description = "Reads a password (from the terminal or standard input) and prints its hash.")
final class HashPasswordCommand implements Callable<Integer> {
  @Override
  public Integer call() throws IOException {
    String password;
    if (System.console() != null) {
      password = new String(System.console().readPassword("Password: "));
    } else {
      password =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    }
    if (password == null || password.isEmpty()) {
      System.err.println("error: empty password");
      return 2;
    }
    System.out.println(PasswordHashes.hash(password));
    return 0;
  }
}
