package dev.jobtrace.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Test classes that get a fresh PostgreSQL and Redis for themselves. */
abstract class WithServers {

  static Servers servers;

  @BeforeAll
  static void startServers() throws Exception {
    servers = Servers.start();
  }

  @AfterAll
  static void stopServers() throws Exception {
    if (servers != null) {
      servers.close();
      servers = null;
    }
  }
}
