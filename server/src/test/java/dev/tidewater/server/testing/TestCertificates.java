package dev.tidewater.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A certificate authority of the test's own and a server certificate it signed for {@code
 * localhost} / {@code 127.0.0.1}, made with the JDK's keytool, written as the PEM files a user
 * gives Tidewater ({@code tls.cert}: the chain, {@code tls.key}: the PKCS#8 key) and a client
 * trusts ({@code ca.pem}).
 */
public record TestCertificates(Path caCert, Path serverChain, Path serverKey) {
  private static final String PASSWORD = "changeit";

  /** Makes a CA named {@code name} and a server certificate it signs, in {@code directory}. */
  public static TestCertificates create(Path directory, String name) throws Exception {
    Files.createDirectories(directory);
    Path ca = directory.resolve(name + "-ca.p12");
    Path server = directory.resolve(name + "-server.p12");
    Path csr = directory.resolve(name + "-server.csr");
    Path signed = directory.resolve(name + "-server.pem");
    Path caPem = directory.resolve(name + "-ca.pem");
    keytool(
        "-genkeypair",
        "-alias",
        "ca",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=" + name + " test CA",
        "-ext",
        "bc:c",
        "-validity",
        "2",
        "-keystore",
        ca.toString());
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "ca",
        "-keystore",
        ca.toString(),
        "-file",
        caPem.toString());
    keytool(
        "-genkeypair",
        "-alias",
        "server",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=localhost",
        "-validity",
        "2",
        "-keystore",
        server.toString());
    keytool(
        "-certreq", "-alias", "server", "-keystore", server.toString(), "-file", csr.toString());
    keytool(
        "-gencert",
        "-rfc",
        "-alias",
        "ca",
        "-keystore",
        ca.toString(),
        "-infile",
        csr.toString(),
        "-outfile",
        signed.toString(),
        "-ext",
        "SAN=dns:localhost,ip:127.0.0.1",
        "-validity",
        "2");
    Path chain = directory.resolve(name + "-chain.pem");
    Files.writeString(chain, Files.readString(signed) + Files.readString(caPem));
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(server)) {
      store.load(in, PASSWORD.toCharArray());
    }
    Path key = directory.resolve(name + "-server.key");
    Files.writeString(
        key, pem("PRIVATE KEY", store.getKey("server", PASSWORD.toCharArray()).getEncoded()));
    return new TestCertificates(caPem, chain, key);
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD, "-noprompt"));
    if (command.contains("-genkeypair")) {
      command.addAll(List.of("-keypass", PASSWORD));
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException("keytool " + String.join(" ", args) + ": " + output);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
