package io.tokenbroker.domain.connection;

import io.tokenbroker.domain.egress.AddressClass;
import io.tokenbroker.domain.egress.IpLiteral;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The settings of the connect flow (grant, authorize endpoint and parameters, eBay's RuName), checked together
 * because they only make sense together: a client-credentials connection naming an authorize endpoint is a mistake
 * the caller should hear about, not a setting silently ignored.
 */
final class ConsentSettings {

    static final String GRANT = "grant";
    static final String AUTHORIZATION_URL = "authorization_url";
    static final String RU_NAME = "ru_name";
    /** Query fields the connect flow sets itself; a setting overriding them would redirect or unbind the consent. */
    static final Set<String> RESERVED_AUTHORIZE_FIELDS = Set.of("response_type", "client_id", "redirect_uri",
            "scope", "state", "code_challenge", "code_challenge_method");

    private ConsentSettings() {
    }

    /** The grant named by {@code settings}, or the provider's default; refuses one the provider cannot use. */
    static Grant grant(ProviderType provider, Map<String, String> settings) {
        String named = settings.get(GRANT);
        if (named == null) {
            return provider.defaultGrant();
        }
        return Grant.fromWireName(named).filter(provider.grants()::contains).orElseThrow(() ->
                new IllegalArgumentException("grant must be one of: " + provider.grants().stream()
                        .map(Grant::wireName).sorted().collect(Collectors.joining(", "))
                        + " for provider " + provider.wireName()));
    }

    /** Checks the consent settings against the grant; returns the authorize endpoint of a consent grant. */
    static Optional<URI> check(ProviderType provider, Map<String, String> settings) {
        boolean consent = grant(provider, settings) == Grant.AUTHORIZATION_CODE;
        boolean consentOnly = settings.containsKey(AUTHORIZATION_URL) || settings.containsKey(RU_NAME)
                || settings.keySet().stream().anyMatch(name -> name.startsWith(ProviderType.AUTHORIZE_PARAMETER_PREFIX));
        if (!consent) {
            if (consentOnly) {
                throw new IllegalArgumentException(
                        "authorization_url, authorize_params and ru_name need grant authorization_code");
            }
            return Optional.empty();
        }
        if (provider == ProviderType.EBAY && !settings.containsKey(RU_NAME)) {
            throw new IllegalArgumentException("ru_name (the RuName eBay redirects to) is required for an "
                    + "authorization_code connection of provider ebay");
        }
        URI url = provider.authorizationUrl(Optional.ofNullable(settings.get(AUTHORIZATION_URL)).map(ConsentSettings::uri),
                settings);
        if (!url.isAbsolute() || url.getHost() == null || url.getRawFragment() != null
                || !Arrays.asList("https", "http").contains(url.getScheme().toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("authorization_url must be an absolute http(s) URL without a fragment");
        }
        // Users are sent there with a state and a code challenge: only a test server on this host may skip TLS.
        if (url.getScheme().equalsIgnoreCase("http") && !loopback(url.getHost())) {
            throw new IllegalArgumentException("authorization_url must be https (http only for a loopback host)");
        }
        return Optional.of(url);
    }

    private static boolean loopback(String host) {
        return host.equalsIgnoreCase("localhost")
                || IpLiteral.parse(host).map(AddressClass::of).filter(AddressClass.LOOPBACK::equals).isPresent();
    }

    private static URI uri(String value) {
        try {
            return new URI(value);
        } catch (URISyntaxException malformed) {
            throw new IllegalArgumentException("authorization_url must be an absolute http(s) URL without a fragment");
        }
    }
}
