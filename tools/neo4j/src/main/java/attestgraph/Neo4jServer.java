package attestgraph;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.internal.Version;
import org.neo4j.logging.Level;
import org.neo4j.logging.log4j.Log4jLogProvider;

/**
 * A local Neo4j Community server for Attestgraph development and tests: the embedded DBMS with the
 * Bolt connector enabled and authentication on. No Docker, no Neo4j distribution: just the jars.
 *
 * <p>Configuration comes from the environment (tools/neo4j/start.sh sets it):
 *
 * <ul>
 *   <li>NEO4J_HOME_DIR: DBMS home; data/ and logs/ are created below it (required).
 *   <li>NEO4J_BOLT_HOST: listen host (default 127.0.0.1).
 *   <li>NEO4J_BOLT_PORT: listen port (default 7687).
 *   <li>NEO4J_PASSWORD: password of user neo4j (default attestgraph-dev); applied at every start.
 *   <li>NEO4J_PAGECACHE: page cache size, e.g. 256m (default 256m).
 *   <li>NEO4J_AUTH_MAX_FAILED_ATTEMPTS: failed logins before a temporary lock-out; 0 = never lock
 *       (default 0, so tests that probe a wrong password cannot lock the account).
 * </ul>
 *
 * <p>Prints "ATTESTGRAPH_NEO4J_READY ..." on stdout once Bolt accepts logins with the password.
 */
public final class Neo4jServer {
    private Neo4jServer() {}

    public static void main(String[] args) throws Exception {
        Path home = Path.of(env("NEO4J_HOME_DIR", args.length > 0 ? args[0] : null))
                .toAbsolutePath()
                .normalize();
        String host = env("NEO4J_BOLT_HOST", "127.0.0.1");
        int port = Integer.parseInt(env("NEO4J_BOLT_PORT", "7687"));
        String password = env("NEO4J_PASSWORD", "attestgraph-dev");
        long pageCache = parseBytes(env("NEO4J_PAGECACHE", "256m"));
        int maxFailedAttempts = Integer.parseInt(env("NEO4J_AUTH_MAX_FAILED_ATTEMPTS", "0"));
        if (password.length() < 8) {
            // Neo4j's default minimum; we lower the setting below, but keep a sane floor.
            log("WARNING: NEO4J_PASSWORD is shorter than 8 characters");
        }
        Files.createDirectories(home);

        log("Starting Neo4j Community " + Version.getNeo4jVersion() + " home=" + home + " bolt="
                + host + ":" + port + " pagecache=" + pageCache + " pid=" + ProcessHandle.current().pid());
        long t0 = System.nanoTime();

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setUserLogProvider(new Log4jLogProvider(new NonClosingStream(System.out), Level.INFO))
                // Bolt on loopback, plain text; HTTP(S) off.
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(host, port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                // Bolt waits 5 s + 5 s for idle pools on shutdown by default; 1 s is plenty here.
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.default_listen_address, new SocketAddress(host))
                // Authentication on; password set through the system database below.
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.auth_minimum_password_length, 1)
                .setConfig(GraphDatabaseSettings.auth_max_failed_attempts, maxFailedAttempts)
                // Modest footprint for small dev/CI machines.
                .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, ByteUnit.mebiBytes(64))
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "128M size")
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log("Shutdown requested; stopping Neo4j");
            try {
                dbms.shutdown();
                log("Neo4j stopped cleanly");
            } catch (Throwable t) {
                log("Error during shutdown: " + t);
            } finally {
                stopped.countDown();
            }
        }, "attestgraph-neo4j-shutdown"));

        setPassword(dbms, password);

        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        db.executeTransactionally("RETURN 1");
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        log("ATTESTGRAPH_NEO4J_READY version=" + Version.getNeo4jVersion() + " bolt=bolt://" + host + ":"
                + port + " startup_ms=" + took.toMillis());

        stopped.await();
    }

    /** Sets the neo4j user's password (no change required). Idempotent across restarts. */
    private static void setPassword(DatabaseManagementService dbms, String password) {
        GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
            log("Password of user neo4j set");
        } catch (RuntimeException e) {
            String msg = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            if (msg.contains("cannot be the same")) {
                // Already this password; make sure no change is pending.
                system.executeTransactionally("ALTER USER neo4j SET PASSWORD CHANGE NOT REQUIRED");
                log("Password of user neo4j unchanged");
            } else {
                throw e;
            }
        }
    }

    private static long parseBytes(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        long mult = 1;
        char last = v.charAt(v.length() - 1);
        if (last == 'k' || last == 'm' || last == 'g') {
            mult = last == 'k' ? 1L << 10 : last == 'm' ? 1L << 20 : 1L << 30;
            v = v.substring(0, v.length() - 1);
        }
        return Long.parseLong(v) * mult;
    }

    private static String env(String name, String dflt) {
        String v = System.getenv(name);
        if (v == null || v.isEmpty()) {
            if (dflt == null) {
                throw new IllegalArgumentException(name + " is not set");
            }
            return dflt;
        }
        return v;
    }

    /** Neo4j closes the user log stream on shutdown; keep stdout usable for our own lines. */
    private static final class NonClosingStream extends java.io.FilterOutputStream {
        NonClosingStream(java.io.OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws java.io.IOException {
            flush();
        }
    }

    private static void log(String msg) {
        System.out.println(java.time.Instant.now() + " [attestgraph] " + msg);
        System.out.flush();
    }
}
