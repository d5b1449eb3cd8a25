package io.tokenbroker.application.port.in;

import io.tokenbroker.domain.connection.ConnectionKey;
import io.tokenbroker.domain.connection.TenantId;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The status of every connection a caller may see, a page at a time, with a summary over all of them (not only the
 * page): the summary walks every visible connection, so it costs one status read per connection.
 */
public interface ListConnectionStatus {

    Page list(Query query);

    /**
     * @param tenants only these tenants' connections; empty for every tenant
     * @param after   the previous page's {@link Page#next()}; empty for the first page
     * @param limit   1 to {@link #MAX_LIMIT}
     */
    record Query(Optional<Set<TenantId>> tenants, Optional<ConnectionKey> after, int limit) {
        public static final int MAX_LIMIT = 500;

        public Query {
            Objects.requireNonNull(tenants, "tenants");
            tenants = tenants.map(Set::copyOf);
            Objects.requireNonNull(after, "after");
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
            }
        }
    }

    /** @param next where the following page starts; empty on the last page */
    record Page(List<ConnectionStatus> connections, Optional<ConnectionKey> next, Summary summary) {
        public Page {
            connections = List.copyOf(connections);
            Objects.requireNonNull(next, "next");
            Objects.requireNonNull(summary, "summary");
        }
    }

    /** How many visible connections are in each health; every health is present, zero when none. */
    record Summary(long total, Map<ConnectionStatus.Health, Long> byHealth) {
        public Summary {
            EnumMap<ConnectionStatus.Health, Long> complete = new EnumMap<>(ConnectionStatus.Health.class);
            for (ConnectionStatus.Health health : ConnectionStatus.Health.values()) {
                complete.put(health, byHealth.getOrDefault(health, 0L));
            }
            byHealth = Map.copyOf(complete);
            if (complete.values().stream().mapToLong(Long::longValue).sum() != total) {
                throw new IllegalArgumentException("every connection has exactly one health");
            }
        }
    }
}
