// Throughput of the PostgreSQL refresh log's batched asynchronous writer (issue 21): RefreshLogWriter behind
// JdbcRefreshLog, with the hash chain and the per-connection chain-head lock, driven directly rather than through a
// broker, whose refresh path (lease, upstream call, token store) would be measured instead. The broker's own object
// graph is started from its jar with a datasource and no HTTP server; the attempts are synthetic successful
// refreshes. Compiled and run against the jar by bench/run.sh:
//   javac -cp tokenbroker.jar -d DIR bench/LogWriterBench.java
//   java -cp tokenbroker.jar:DIR LogWriterBench <attempts> <many-connections> <paced-seconds>
// with DATASOURCES_DEFAULT_URL/USERNAME/PASSWORD and TOKENBROKER_ENCRYPTION_KEYS in the environment. Prints one JSON
// object per line: the writer's capacity for one busy connection and for many (attempts enqueued as fast as the
// queue takes them without dropping: the queue kept below half full), then paced at the capacity measured for many
// connections, where anything the writer cannot keep up with is dropped and shows as gap rows.
import io.micronaut.context.ApplicationContext;
import io.tokenbroker.adapters.postgres.JdbcRefreshLog;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.locks.LockSupport;

public class LogWriterBench {

    /** Below the writer's default queue capacity (10,000), so that the capacity runs never drop. */
    static final int HIGH_WATER = 5_000;

    public static void main(String[] args) throws Exception {
        int attempts = Integer.parseInt(args[0]);
        int many = Integer.parseInt(args[1]);
        double pacedSeconds = Double.parseDouble(args[2]);
        Map<String, Object> properties = Map.of("tokenbroker.scheduler.enabled", "false",
                "tokenbroker.audit.jobs.enabled", "false");
        try (ApplicationContext context = ApplicationContext.builder().properties(properties).start()) {
            JdbcRefreshLog log = context.getBean(JdbcRefreshLog.class);
            // The rows are counted on a plain connection of the bench's own, outside the broker's transactions.
            Database database = () -> DriverManager.getConnection(System.getenv("DATASOURCES_DEFAULT_URL"),
                    System.getenv("DATASOURCES_DEFAULT_USERNAME"), System.getenv("DATASOURCES_DEFAULT_PASSWORD"));
            // Unmeasured: loads and compiles the writer's path and fills the pool.
            capacity(log, database, "warm-up", Math.min(attempts, 2_000), many);
            System.out.println(capacity(log, database, "one-connection", attempts, 1));
            String manyResult = capacity(log, database, "many-connections", attempts, many);
            System.out.println(manyResult);
            double rate = Double.parseDouble(manyResult.replaceAll(".*\"rows_per_s\":([0-9.]+).*", "$1"));
            System.out.println(paced(log, database, many, rate, pacedSeconds));
        }
        System.exit(0);
    }

    static RefreshAttempt attempt(int connection) {
        Instant now = Instant.now();
        return new RefreshAttempt(ConnectionKey.of("writer", "c" + connection), RefreshAttempt.Trigger.PROACTIVE,
                RefreshAttempt.Outcome.SUCCESS, now, now.plusMillis(300), 1, OptionalInt.of(200), Optional.empty(),
                Optional.empty(), 1);
    }

    /** Enqueues as fast as the queue takes attempts (kept below HIGH_WATER), then waits until all are written. */
    static String capacity(JdbcRefreshLog log, Database database, String scenario, int attempts, int connections)
            throws SQLException {
        Counts before = counts(database);
        long droppedBefore = log.droppedAttempts();
        long started = System.nanoTime();
        for (int i = 0; i < attempts; i++) {
            while (log.queueDepth() >= HIGH_WATER) {
                LockSupport.parkNanos(100_000);
            }
            log.record(attempt(i % connections + 1));
        }
        boolean written = log.flush(Duration.ofMinutes(5));
        double seconds = (System.nanoTime() - started) / 1e9;
        return report(scenario, connections, attempts, seconds, written, log.droppedAttempts() - droppedBefore,
                counts(database).minus(before), 0);
    }

    /** Enqueues at `rate` per second for `seconds` without regard to the queue, then waits until all are written. */
    static String paced(JdbcRefreshLog log, Database database, int connections, double rate, double seconds)
            throws SQLException {
        Counts before = counts(database);
        long droppedBefore = log.droppedAttempts();
        long started = System.nanoTime();
        long end = started + (long) (seconds * 1e9);
        long sent = 0;
        for (long now = started; now < end; now = System.nanoTime()) {
            long due = (long) ((now - started) / 1e9 * rate);
            for (; sent < due; sent++) {
                log.record(attempt((int) (sent % connections) + 1));
            }
            LockSupport.parkNanos(1_000_000);
        }
        boolean written = log.flush(Duration.ofMinutes(5));
        double took = (System.nanoTime() - started) / 1e9;
        return report("paced", connections, (int) sent, took, written, log.droppedAttempts() - droppedBefore,
                counts(database).minus(before), rate);
    }

    static String report(String scenario, int connections, int attempts, double seconds, boolean written,
                         long dropped, Counts rows, double rate) {
        return String.format("{\"scenario\":\"%s\",\"connections\":%d,\"attempts\":%d,\"seconds\":%.3f,"
                        + "\"rows_per_s\":%.0f,\"all_written\":%s,\"dropped\":%d,\"attempt_rows\":%d,\"gap_rows\":%d,"
                        + "\"gap_dropped\":%d%s}", scenario, connections, attempts, seconds, rows.attempts / seconds,
                written, dropped, rows.attempts, rows.gaps, rows.gapDropped,
                rate > 0 ? String.format(",\"target_rate\":%.0f", rate) : "");
    }

    interface Database {
        Connection getConnection() throws SQLException;
    }

    record Counts(long attempts, long gaps, long gapDropped) {
        Counts minus(Counts earlier) {
            return new Counts(attempts - earlier.attempts, gaps - earlier.gaps, gapDropped - earlier.gapDropped);
        }
    }

    static Counts counts(Database database) throws SQLException {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT count(*) FILTER (WHERE kind = 'attempt'),"
                     + " count(*) FILTER (WHERE kind = 'gap'), coalesce(sum(dropped), 0) FROM refresh_log"
                     + " WHERE tenant = 'writer'")) {
            result.next();
            return new Counts(result.getLong(1), result.getLong(2), result.getLong(3));
        }
    }
}
