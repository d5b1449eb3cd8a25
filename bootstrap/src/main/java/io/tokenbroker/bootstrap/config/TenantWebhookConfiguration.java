package io.tokenbroker.bootstrap.config;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;
import io.micronaut.core.annotation.Nullable;
import java.net.URI;

/**
 * {@code tokenbroker.webhooks.tenants.<name>.url} and {@code .secret}: a tenant's own receiver of its connection
 * events, in place of the default one. One bean per entry.
 *
 * <p>Micronaut normalises property names (camelCase becomes kebab-case, a dot nests), so the entry's name is the
 * tenant id only for ids of lower-case letters, digits and dashes; any other id is given as {@code .tenant}.
 *
 * @param name   the entry's name, the property name's segment
 * @param tenant the tenant id when it differs from {@code name}
 * @param secret signs what goes to {@code url}; at least 32 characters
 */
@EachProperty("tokenbroker.webhooks.tenants")
public record TenantWebhookConfiguration(@Parameter String name, @Nullable String tenant, @Nullable URI url,
                                         @Nullable String secret) {

    /** The tenant whose events this receiver gets. */
    public String tenantId() {
        return tenant != null ? tenant : name;
    }

    /**
     * False for an entry with neither a URL nor a secret: the by-products of environment variables, which Micronaut
     * also reads with dashes in place of dots ({@code TOKENBROKER_WEBHOOKS_TENANTS_ACME_URL} yields an entry
     * {@code acme-url} next to {@code acme}).
     */
    public boolean isReceiver() {
        return url != null || secret != null;
    }

    @Override
    public String toString() {
        return "TenantWebhookConfiguration[" + tenantId() + ", secret=***]";
    }
}
