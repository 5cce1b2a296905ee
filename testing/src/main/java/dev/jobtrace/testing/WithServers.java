package dev.jobtrace.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Test classes that get a fresh PostgreSQL and Redis for themselves. */
public abstract class WithServers {

  protected static Servers servers;

  @BeforeAll
  protected static void startServers() throws Exception {
    servers = Servers.start();
  }

  @AfterAll
  protected static void stopServers() throws Exception {
    if (servers != null) {
      servers.close();
      servers = null;
    }
  }
}
