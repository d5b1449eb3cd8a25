package io.tokenbroker.bootstrap;

import io.micronaut.core.value.PropertyResolver;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which adapter serves which out-port: the one place that decides it. The rule is short: the ports whose state every
 * instance must share (tokens, leases, the refresh-ahead schedule, rate limits, idempotency records, key revocations,
 * circuits, connect links and states)
 * go to Redis when Redis is configured ({@code redis.uri}, env {@code REDIS_URI}, standalone or Sentinel; or
 * {@code redis.uris}, Cluster); the ports whose state must survive a restart (connections, re-authorisation marks,
 * the refresh log, API keys) go to PostgreSQL when a datasource is configured ({@code datasources.default.url}, env
 * {@code DATASOURCES_DEFAULT_URL}); everything else is served in process memory, the embedded default. An operator
 * may name the adapter of one port, {@code tokenbroker.adapters.<port>=memory|redis|postgres}.
 *
 * <p>Leases on Redis have a fallback for while Redis is unreachable ({@link #leasesWhileRedisIsDown}): PostgreSQL when
 * a datasource is configured (for connections with a refresh token, which may rotate), unless
 * {@code tokenbroker.lease.postgres-connections} is 0; otherwise the in-process lease. The leases row says which.
 *
 * <p>An impossible combination stops the start with every reason at once, and the chosen table is logged once, one
 * line per port. {@link SelectedAdapters} builds what this decides.
 */
public final class AdapterSelection {

    static final String REDIS_URI = "redis.uri";
    static final String REDIS_URIS = "redis.uris";
    static final String DATASOURCE_URL = "datasources.default.url";
    static final String OVERRIDES = "tokenbroker.adapters";
    static final String LEASE_CONNECTIONS = "tokenbroker.lease.postgres-connections";

    /** The technologies an out-port can be served by. */
    public enum Adapter {
        MEMORY, REDIS, POSTGRES;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The out-ports whose adapter is chosen, with the key of their override and what may serve them. */
    public enum Port {
        TOKENS("tokens", Adapter.REDIS),
        LEASES("leases", Adapter.REDIS),
        REFRESH_SCHEDULE("refresh-schedule", Adapter.REDIS),
        RATE_LIMITS("rate-limits", Adapter.REDIS),
        IDEMPOTENCY("idempotency", Adapter.REDIS),
        KEY_REVOCATIONS("key-revocations", Adapter.REDIS),
        CIRCUITS("circuits", Adapter.REDIS),
        CONNECT_ATTEMPTS("connect-attempts", Adapter.REDIS),
        CONNECTIONS("connections", Adapter.POSTGRES),
        REAUTHORISATIONS("reauthorisations", Adapter.POSTGRES),
        REFRESH_LOG("refresh-log", Adapter.POSTGRES),
        API_KEYS("api-keys", Adapter.POSTGRES);

        private final String key;
        private final Adapter shared;

        Port(String key, Adapter shared) {
            this.key = key;
            this.shared = shared;
        }

        /** The port's name in {@code tokenbroker.adapters.<port>} and in the start-up table. */
        public String key() {
            return key;
        }

        boolean offers(Adapter adapter) {
            return adapter == Adapter.MEMORY || adapter == shared;
        }
    }

    /** One row of the table: the adapter, and why. */
    public record Choice(Adapter adapter, String because) {
    }

    private final Map<Port, Choice> table;
    private final Adapter leasesWhileRedisIsDown;

    private AdapterSelection(Map<Port, Choice> table, Adapter leasesWhileRedisIsDown) {
        this.table = Collections.unmodifiableMap(new EnumMap<>(table));
        this.leasesWhileRedisIsDown = leasesWhileRedisIsDown;
    }

    /** Decides from the configuration, or throws naming every impossible setting. */
    public static AdapterSelection from(PropertyResolver configuration) {
        List<String> problems = new ArrayList<>();
        boolean redis = redisConfigured(configuration, problems);
        boolean postgres = configuration.containsProperty(DATASOURCE_URL);
        Map<Port, Choice> table = new EnumMap<>(Port.class);
        for (Port port : Port.values()) {
            Optional<String> named = configuration.get(OVERRIDES + "." + port.key(), String.class);
            Choice choice = named.isPresent() ? overridden(port, named.get(), redis, postgres, problems)
                    : byDefault(port, redis, postgres);
            table.put(port, choice);
        }
        problems.addAll(unknownPorts(configuration));
        if (!problems.isEmpty()) {
            throw new IllegalStateException("impossible adapter configuration: " + String.join("; ", problems));
        }
        Adapter whileDown = table.get(Port.LEASES).adapter() == Adapter.REDIS && postgres
                && configuration.get(LEASE_CONNECTIONS, Integer.class).orElse(1) > 0 ? Adapter.POSTGRES : Adapter.MEMORY;
        if (table.get(Port.LEASES).adapter() == Adapter.REDIS) {
            Choice leases = table.get(Port.LEASES);
            table.put(Port.LEASES, new Choice(leases.adapter(), leases.because() + "; while Redis is down: "
                    + (whileDown == Adapter.POSTGRES ? "postgres for connections with a refresh token, memory for"
                    + " the others" : "memory")));
        }
        return new AdapterSelection(table, whileDown);
    }

    public Adapter of(Port port) {
        return table.get(port).adapter();
    }

    /**
     * Who grants a lease while Redis is unreachable, when leases are on Redis: {@link Adapter#POSTGRES} for
     * connections with a refresh token (the in-process lease for the others), or {@link Adapter#MEMORY} for all.
     */
    public Adapter leasesWhileRedisIsDown() {
        return leasesWhileRedisIsDown;
    }

    public Map<Port, Choice> table() {
        return table;
    }

    /** The table as it is logged: one line per port. */
    public List<String> lines() {
        return table.entrySet().stream().map(row -> String.format("adapter for %-18s %-8s (%s)",
                row.getKey().key() + ":", row.getValue().adapter().label(), row.getValue().because())).toList();
    }

    /** For the branch of a switch over a port's adapter that {@link #from} has refused already. */
    static IllegalStateException notOffered(Port port) {
        return new IllegalStateException("no such adapter for " + port.key() + ": refused at start-up");
    }

    private static boolean redisConfigured(PropertyResolver configuration, List<String> problems) {
        boolean single = configuration.containsProperty(REDIS_URI);
        boolean cluster = configuration.containsProperty(REDIS_URIS);
        if (single && cluster) {
            problems.add(REDIS_URI + " (standalone or Sentinel) and " + REDIS_URIS + " (Cluster) are both set: "
                    + "set the one that matches your Redis");
        }
        // A Sentinel URI lists several hosts after one scheme; several schemes are a Cluster's node list.
        String uri = configuration.get(REDIS_URI, String.class).orElse("");
        if (uri.contains(",redis://") || uri.contains(",rediss://")) {
            problems.add(REDIS_URI + " holds several node URIs: a Redis Cluster's nodes go in " + REDIS_URIS);
        }
        return single || cluster;
    }

    private static Choice byDefault(Port port, boolean redis, boolean postgres) {
        if (port.shared == Adapter.REDIS) {
            return redis ? new Choice(Adapter.REDIS, "Redis is configured")
                    : new Choice(Adapter.MEMORY, "no Redis configured");
        }
        return postgres ? new Choice(Adapter.POSTGRES, "a datasource is configured")
                : new Choice(Adapter.MEMORY, "no datasource configured");
    }

    private static Choice overridden(Port port, String named, boolean redis, boolean postgres,
                                     List<String> problems) {
        String setting = OVERRIDES + "." + port.key() + "=" + named;
        Optional<Adapter> adapter = Arrays.stream(Adapter.values())
                .filter(candidate -> candidate.label().equalsIgnoreCase(named.trim())).findFirst();
        if (adapter.isEmpty() || !port.offers(adapter.get())) {
            problems.add(setting + ": " + port.key() + " can be served by " + Adapter.MEMORY.label() + " or "
                    + port.shared.label());
        } else if (adapter.get() == Adapter.REDIS && !redis) {
            problems.add(setting + " but no Redis is configured (" + REDIS_URI + " / REDIS_URI, or " + REDIS_URIS
                    + ")");
        } else if (adapter.get() == Adapter.POSTGRES && !postgres) {
            problems.add(setting + " but no datasource is configured (" + DATASOURCE_URL
                    + " / DATASOURCES_DEFAULT_URL)");
        }
        return new Choice(adapter.orElse(Adapter.MEMORY), setting);
    }

    /**
     * Overrides naming no port (a typo would otherwise be ignored). An environment variable such as
     * {@code TOKENBROKER_ADAPTERS_REFRESH_LOG} also shows up as {@code refresh.log}, so the first word of a
     * two-word port is not a stranger.
     */
    private static List<String> unknownPorts(PropertyResolver configuration) {
        Set<String> known = Arrays.stream(Port.values()).map(Port::key).collect(Collectors.toSet());
        Set<String> firstWords = Arrays.stream(Port.values()).map(port -> port.key().split("-")[0])
                .collect(Collectors.toSet());
        return configuration.getPropertyEntries(OVERRIDES).stream()
                .filter(entry -> !known.contains(entry) && !firstWords.contains(entry)).sorted()
                .map(entry -> OVERRIDES + "." + entry + ": no such port (ports: " + String.join(", ",
                        Arrays.stream(Port.values()).map(Port::key).toList()) + ")")
                .toList();
    }
}
