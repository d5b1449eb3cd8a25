package io.tokenbroker.domain.connection;

import io.tokenbroker.domain.egress.SavedBy;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A tenant's connection to an upstream provider: where to ask for tokens and with which credentials.
 *
 * @param tokenUrl     the resolved token endpoint ({@link ProviderType#tokenUrl})
 * @param clientId     required by every provider type but {@code auth-service}
 * @param refreshToken present for connections that use the refresh token grant; replaced on rotation
 * @param settings     provider-specific, non-secret settings ({@link ProviderType#settingNames()}, and for
 *                     {@code oauth2} extra form fields under {@link ProviderType#FORM_PARAMETER_PREFIX})
 * @param savedBy      which kind of key last saved it, and so which outbound targets it may name
 */
public record Connection(
        ConnectionKey key,
        ProviderType provider,
        URI tokenUrl,
        Optional<String> clientId,
        Optional<Secret> clientSecret,
        List<String> scopes,
        ClientAuthMethod authMethod,
        Optional<Secret> refreshToken,
        Map<String, String> settings,
        SavedBy savedBy) {

    private static final Pattern SETTING_NAME = Pattern.compile("[a-z][a-z0-9_]{0,31}");
    private static final int MAX_SETTING_LENGTH = 512;
    private static final String REALM_ID = "realm_id";
    /** Fields the issuer sets itself; letting a setting override them would forge the grant or the credentials. */
    private static final Set<String> RESERVED_FORM_FIELDS = Set.of("grant_type", "client_id", "client_secret",
            "refresh_token", "scope", "code", "assertion");
    /** Settings every provider type accepts; {@code api_base_url} is where the proxy forwards (issue 15). */
    private static final Set<String> COMMON_SETTINGS = Set.of(ApiBaseUrl.SETTING);

    public Connection {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(tokenUrl, "tokenUrl");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientSecret, "clientSecret");
        Objects.requireNonNull(authMethod, "authMethod");
        Objects.requireNonNull(refreshToken, "refreshToken");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(savedBy, "savedBy");
        if (clientId.isPresent() && clientId.get().isBlank()) {
            throw new IllegalArgumentException("client_id must not be blank");
        }
        if (provider.needsClientCredentials() && (clientId.isEmpty() || clientSecret.isEmpty())) {
            throw new IllegalArgumentException("client_id and client_secret are required for provider "
                    + provider.wireName());
        }
        if (clientSecret.isPresent() && clientId.isEmpty()) {
            throw new IllegalArgumentException("client_secret needs a client_id");
        }
        if (provider.needsRefreshToken() && refreshToken.isEmpty()) {
            throw new IllegalArgumentException("refresh_token is required for provider " + provider.wireName());
        }
        if (!tokenUrl.isAbsolute() || tokenUrl.getHost() == null
                || !("https".equalsIgnoreCase(tokenUrl.getScheme()) || "http".equalsIgnoreCase(tokenUrl.getScheme()))) {
            throw new IllegalArgumentException("token_url must be an absolute http(s) URL");
        }
        scopes = List.copyOf(scopes);
        for (String scope : scopes) {
            if (scope == null || scope.isBlank() || scope.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("a scope must be one non-blank word");
            }
        }
        settings = checkedSettings(provider, settings);
        if (settings.containsKey(ApiBaseUrl.SETTING)) {
            ApiBaseUrl.parse(settings.get(ApiBaseUrl.SETTING));
        }
        ConsentSettings.check(provider, settings);
    }

    /**
     * A connection saved by an operator: configuration, demo data, and rows stored before the broker recorded who
     * saved a connection.
     */
    public Connection(ConnectionKey key, ProviderType provider, URI tokenUrl, Optional<String> clientId,
                      Optional<Secret> clientSecret, List<String> scopes, ClientAuthMethod authMethod,
                      Optional<Secret> refreshToken, Map<String, String> settings) {
        this(key, provider, tokenUrl, clientId, clientSecret, scopes, authMethod, refreshToken, settings,
                SavedBy.OPERATOR);
    }

    /** The same connection holding the refresh token the upstream rotated to. */
    public Connection withRefreshToken(Secret rotated) {
        return new Connection(key, provider, tokenUrl, clientId, clientSecret, scopes, authMethod,
                Optional.of(rotated), settings, savedBy);
    }

    /** The same connection, as saved by this kind of key. */
    public Connection savedBy(SavedBy by) {
        return new Connection(key, provider, tokenUrl, clientId, clientSecret, scopes, authMethod, refreshToken,
                settings, by);
    }

    /**
     * Every URL the broker will call (or send a user to) for this connection, keyed by the request field that set
     * it, so a refusal can name that field. The token endpoint is named by the setting it was built from when it was
     * not given itself.
     */
    public Map<String, URI> outboundUrls() {
        Map<String, URI> urls = new LinkedHashMap<>();
        String tokenUrlField = provider.tokenUrlSetting().filter(settings::containsKey)
                .filter(setting -> builtFromSettings()).orElse("token_url");
        urls.put(tokenUrlField, tokenUrl);
        apiBaseUrl().ifPresent(api -> urls.put(ApiBaseUrl.SETTING, api.uri()));
        // A provider's own authorize endpoint goes with its token endpoint; one given here is checked like it.
        setting(ConsentSettings.AUTHORIZATION_URL).flatMap(given -> authorizationUrl())
                .ifPresent(url -> urls.put(ConsentSettings.AUTHORIZATION_URL, url));
        return urls;
    }

    private boolean builtFromSettings() {
        try {
            return tokenUrl.equals(provider.tokenUrl(Optional.empty(), settings));
        } catch (IllegalArgumentException notBuildable) {
            return false;
        }
    }

    /** Where the authenticated proxy forwards this connection's API calls; empty when it was not given. */
    public Optional<ApiBaseUrl> apiBaseUrl() {
        return setting(ApiBaseUrl.SETTING).map(ApiBaseUrl::parse);
    }

    /** How the connection obtains its tokens: its own credentials or a user's consent. */
    public Grant grant() {
        return ConsentSettings.grant(provider, settings);
    }

    /** Where a user consents, for an {@link Grant#AUTHORIZATION_CODE authorization-code} connection. */
    public Optional<URI> authorizationUrl() {
        return ConsentSettings.check(provider, settings);
    }

    /**
     * True for an authorization-code connection no user has consented to yet (or whose consent was not kept): no
     * token can be issued until a connect link completes.
     */
    public boolean awaitsConnect() {
        return grant() == Grant.AUTHORIZATION_CODE && refreshToken.isEmpty();
    }

    /**
     * This connection as it replaces {@code stored}: an authorization-code connection saved without a refresh token
     * keeps the consented one (and what the consent set, such as QuickBooks' {@code realm_id}) as long as it names the
     * same provider, client and token endpoint. Rotating a client secret must not wipe a user's consent; another
     * client or token endpoint would not honour it.
     */
    public Connection keepingConsentOf(Connection stored) {
        if (grant() != Grant.AUTHORIZATION_CODE || refreshToken.isPresent() || stored.refreshToken.isEmpty()
                || stored.provider != provider || !stored.clientId.equals(clientId)
                || !stored.tokenUrl.equals(tokenUrl)) {
            return this;
        }
        Map<String, String> kept = new TreeMap<>(settings);
        stored.setting(REALM_ID).ifPresent(realm -> kept.putIfAbsent(REALM_ID, realm));
        return new Connection(key, provider, tokenUrl, clientId, clientSecret, scopes, authMethod,
                stored.refreshToken, kept, savedBy);
    }

    /** The same connection as a completed consent left it: its refresh token, and QuickBooks' company id. */
    public Connection consented(Secret refreshToken, Optional<String> realmId) {
        Map<String, String> updated = new TreeMap<>(settings);
        realmId.ifPresent(realm -> updated.put(REALM_ID, realm));
        return new Connection(key, provider, tokenUrl, clientId, clientSecret, scopes, authMethod,
                Optional.of(refreshToken), updated, savedBy);
    }

    /** Extra query parameters of the authorize redirect, without their prefix. */
    public Map<String, String> authorizeParameters() {
        return prefixed(ProviderType.AUTHORIZE_PARAMETER_PREFIX);
    }

    public Optional<String> setting(String name) {
        return Optional.ofNullable(settings.get(name));
    }

    /** Extra form fields for the token request, without their prefix. */
    public Map<String, String> formParameters() {
        return prefixed(ProviderType.FORM_PARAMETER_PREFIX);
    }

    private Map<String, String> prefixed(String prefix) {
        Map<String, String> parameters = new TreeMap<>();
        settings.forEach((name, value) -> {
            if (name.startsWith(prefix)) {
                parameters.put(name.substring(prefix.length()), value);
            }
        });
        return Map.copyOf(parameters);
    }

    private static void checkAuthorizeParameter(ProviderType provider, String bare) {
        if (!provider.supportsConnect()) {
            throw new IllegalArgumentException("provider " + provider.wireName() + " does not accept authorize_params");
        }
        if (ConsentSettings.RESERVED_AUTHORIZE_FIELDS.contains(bare)) {
            throw new IllegalArgumentException("authorize_params must not set " + bare);
        }
    }

    private static Map<String, String> checkedSettings(ProviderType provider, Map<String, String> settings) {
        Map<String, String> sorted = new TreeMap<>();
        settings.forEach((name, value) -> {
            boolean formParameter = name != null && name.startsWith(ProviderType.FORM_PARAMETER_PREFIX);
            boolean authorizeParameter = name != null && name.startsWith(ProviderType.AUTHORIZE_PARAMETER_PREFIX);
            String bare = formParameter ? name.substring(ProviderType.FORM_PARAMETER_PREFIX.length())
                    : authorizeParameter ? name.substring(ProviderType.AUTHORIZE_PARAMETER_PREFIX.length()) : name;
            if (bare == null || !SETTING_NAME.matcher(bare).matches()) {
                throw new IllegalArgumentException("setting names are 1 to 32 characters of a-z, 0-9 and _");
            }
            if (authorizeParameter) {
                checkAuthorizeParameter(provider, bare);
            } else if (formParameter ? !provider.acceptsFormParameters()
                    : !provider.settingNames().contains(bare) && !COMMON_SETTINGS.contains(bare)) {
                throw new IllegalArgumentException("provider " + provider.wireName() + " does not accept "
                        + (formParameter ? "extra form parameters" : "the setting " + bare));
            }
            if (formParameter && RESERVED_FORM_FIELDS.contains(bare)) {
                throw new IllegalArgumentException("extra_params must not set " + bare);
            }
            if (value == null || value.isBlank() || value.length() > MAX_SETTING_LENGTH) {
                throw new IllegalArgumentException("setting " + bare + " must be 1 to " + MAX_SETTING_LENGTH
                        + " characters");
            }
            sorted.put(name, value);
        });
        return Map.copyOf(sorted);
    }
}
