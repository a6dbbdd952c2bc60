package dev.tidewater.server.cli;

import dev.tidewater.server.Tidewater;
import dev.tidewater.spi.TidewaterException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * How a client command reaches Tidewater: in process on the data directory (the default), or on a
 * server with {@code --connect host:port}, a user, a password and, for a TLS server, {@code --tls}
 * (the system's trusted CAs) or {@code --tls-ca ca.pem} (a CA of one's own).
 */
final class ConnectOptions {
  @Option(names = "--connect", description = "Use a server (host:port) instead of in process.")
  String connect;

  @Option(names = "--user", description = "User for --connect (password: TIDEWATER_PASSWORD).")
  String user;

  @Option(
      names = "--password-stdin",
      description = "Read the password for --connect from standard input.")
  boolean passwordStdin;

  @Option(
      names = "--tls",
      description = "Connect with TLS, trusting the system's certificate authorities.")
  boolean tls;

  @Option(
      names = "--tls-ca",
      paramLabel = "PEM",
      description = "Connect with TLS, trusting the certificate authorities in this PEM file.")
  Path tlsCa;

  /** In process on the data directory, or on the server named by {@code --connect}. */
  StatementRunner open(CommonOptions common) {
    if (connect == null) {
      TidewaterException.check(
          !tls && tlsCa == null, "--tls and --tls-ca are for --connect (a server)");
      return new InProcessRunner(Tidewater.start(common.load(), System::getenv));
    }
    int colon = connect.lastIndexOf(':');
    TidewaterException.check(colon > 0, "--connect wants host:port, not '%s'", connect);
    int port;
    try {
      port = Integer.parseInt(connect.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw TidewaterException.user("--connect wants host:port, not '" + connect + "'");
    }
    TidewaterException.check(user != null, "--connect needs --user");
    String password = passwordStdin ? readLine() : System.getenv("TIDEWATER_PASSWORD");
    if (password == null && System.console() != null) {
      password = new String(System.console().readPassword("Password for %s: ", user));
    }
    TidewaterException.check(
        password != null, "set TIDEWATER_PASSWORD or use --password-stdin for --connect");
    RemoteRunner.Tls transport =
        tlsCa != null
            ? RemoteRunner.Tls.trusting(tlsCa)
            : tls ? RemoteRunner.Tls.SYSTEM_TRUST : RemoteRunner.Tls.NONE;
    return new RemoteRunner(connect.substring(0, colon), port, transport, user, password);
  }

  private static String readLine() {
    try {
      return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
          .readLine();
    } catch (IOException e) {
      throw TidewaterException.user("cannot read the password from standard input");
    }
  }
}
