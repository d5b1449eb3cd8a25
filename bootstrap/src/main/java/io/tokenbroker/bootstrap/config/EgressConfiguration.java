package io.tokenbroker.bootstrap.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.tokenbroker.domain.egress.AllowedHosts;
import io.tokenbroker.domain.egress.EgressPolicy;
import java.util.List;

/**
 * {@code tokenbroker.egress.*}: which outbound targets the broker calls beyond its defaults (docs/security.md,
 * "Egress policy").
 *
 * @param allowedHosts comma-separated host names, {@code *.}-patterns and CIDRs that tenant-saved connections may
 *                     name besides public addresses; an exact host or a CIDR also lifts the refusal of link-local
 *                     and other always-refused addresses, for everyone
 */
@ConfigurationProperties("tokenbroker.egress")
public record EgressConfiguration(@Nullable List<String> allowedHosts) {

    /** @throws IllegalStateException naming the setting and the first entry that is no host, pattern or CIDR */
    public EgressPolicy policy() {
        try {
            return new EgressPolicy(allowedHosts == null ? AllowedHosts.none() : AllowedHosts.of(allowedHosts));
        } catch (IllegalArgumentException badEntry) {
            throw new IllegalStateException("tokenbroker.egress.allowed-hosts: " + badEntry.getMessage(), badEntry);
        }
    }
}
