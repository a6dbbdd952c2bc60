package dev.tidewater.server;

import static dev.tidewater.server.JdbcRows.rows;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The {@code docker/compose.yaml} stack (two gateways, PostgreSQL, MinIO, the REST fixture), where
 * a Docker engine exists: a contract created on one gateway is seen by the other, and so is a
 * namespace of the shared REST catalog. Without a Docker engine (the development and CI machines
 * have none: a documented limit of the environment, not a service that failed to start) the test is
 * skipped, and says so, also on CI; the stack's pieces are tested without containers
 * (TwoNodesTest).
 */
class ComposeStackTest {
  @Test
  void twoGatewaysShareOneStack() throws Exception {
    boolean docker;
    try {
      docker = DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      docker = false;
    }
    if (!docker) {
      System.err.println(
          "SKIPPED: ComposeStackTest needs a Docker engine and none is reachable here"
              + " (docker/compose.yaml is not started)");
    }
    Assumptions.assumeTrue(
        docker, "no Docker engine: the docker/compose.yaml stack is not started (skipped)");
    try (ComposeContainer stack =
        new ComposeContainer(new File("docker/compose.yaml"))
            .withExposedService(
                "gateway-1",
                31337,
                Wait.forListeningPort().withStartupTimeout(Duration.ofMinutes(5)))
            .withExposedService(
                "gateway-2",
                31337,
                Wait.forListeningPort().withStartupTimeout(Duration.ofMinutes(5)))
            .withBuild(true)) {
      stack.start();
      try (Connection first = connect(stack, "gateway-1");
          Connection second = connect(stack, "gateway-2");
          Statement onFirst = first.createStatement();
          Statement onSecond = second.createStatement()) {
        onFirst.execute("CREATE NAMESPACE IF NOT EXISTS compose");
        onFirst.execute(
            "CREATE OR REPLACE CONTRACT compose_v1 (id BIGINT NOT NULL, amount DECIMAL(12, 2))");
        assertThat(rows(onSecond.executeQuery("SHOW CONTRACTS")))
            .extracting(row -> row.get(0))
            .contains("compose_v1");
        assertThat(rows(onSecond.executeQuery("SHOW NAMESPACES IN lake")))
            .extracting(row -> row.get(1))
            .contains("compose");
        assertThat(rows(onSecond.executeQuery("SELECT 1"))).containsExactly(List.of(1));
      }
    }
  }

  private static Connection connect(ComposeContainer stack, String service) throws Exception {
    Properties properties = new Properties();
    properties.setProperty("user", "etl");
    properties.setProperty("password", "change-me");
    return DriverManager.getConnection(
        "jdbc:arrow-flight-sql://"
            + stack.getServiceHost(service, 31337)
            + ":"
            + stack.getServicePort(service, 31337)
            + "/?useEncryption=false",
        properties);
  }
}
