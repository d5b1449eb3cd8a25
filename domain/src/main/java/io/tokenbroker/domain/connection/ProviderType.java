package io.tokenbroker.domain.connection;

import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which upstream dialect a connection speaks. Each type knows the settings it accepts, whether it needs client
 * credentials or a refresh token, and where its token endpoint is when none is given.
 */
public enum ProviderType {
    /** RFC 6749 client credentials and refresh token grants at a given {@code token_url}. */
    OAUTH2("oauth2", Set.of("audience", "resource", "grant", "authorization_url"), true, false) {
        @Override
        URI defaultTokenUrl(Map<String, String> settings) {
            throw new IllegalArgumentException("token_url is required for provider oauth2");
        }
    },
    /** QPay v2: Basic-authenticated token and refresh endpoints under {@code base_url}. */
    QPAY("qpay", Set.of("base_url"), true, false) {
        @Override
        URI defaultTokenUrl(Map<String, String> settings) {
            String base = settings.getOrDefault("base_url", "https://merchant.qpay.mn");
            return httpUrl("base_url", base.replaceAll("/+$", "") + "/v2/auth/token");
        }
    },
    /** Intuit QuickBooks Online: refresh token grant at Intuit's bearer endpoint; the refresh token rotates. */
    QUICKBOOKS("quickbooks", Set.of("realm_id", "grant", "authorization_url"), true, false) {
        @Override
        URI defaultTokenUrl(Map<String, String> settings) {
            return URI.create("https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer");
        }

        @Override
        Optional<URI> defaultAuthorizationUrl(Map<String, String> settings) {
            return Optional.of(URI.create("https://appcenter.intuit.com/connect/oauth2"));
        }
    },
    /** Genesys Cloud: client credentials at {@code https://login.{region}/oauth/token}. */
    GENESYS("genesys", Set.of("region", "grant", "authorization_url"), true, false) {
        @Override
        URI defaultTokenUrl(Map<String, String> settings) {
            String region = settings.get("region");
            if (region == null) {
                throw new IllegalArgumentException("region (e.g. mypurecloud.com) is required for provider genesys");
            }
            if (!REGION.matcher(region).matches()) {
                throw new IllegalArgumentException("region must be a host name such as mypurecloud.ie");
            }
            return URI.create("https://login." + region + "/oauth/token");
        }

        @Override
        Optional<URI> defaultAuthorizationUrl(Map<String, String> settings) {
            return Optional.of(URI.create(defaultTokenUrl(settings).toString().replace("/oauth/token",
                    "/oauth/authorize")));
        }
    },
    /** eBay: client credentials (application token) or the user refresh token grant, sandbox or production. */
    EBAY("ebay", Set.of("environment", "grant", "authorization_url", "ru_name"), true, false) {
        @Override
        URI defaultTokenUrl(Map<String, String> settings) {
            return switch (settings.getOrDefault("environment", "production")) {
                case "production" -> URI.create("https://api.ebay.com/identity/v1/oauth2/token");
                case "sandbox" -> URI.create("https://api.sandbox.ebay.com/identity/v1/oauth2/token");
                default -> throw new IllegalArgumentException("environment must be sandbox or production");
            };
        }

        @Override
        Optional<URI> defaultAuthorizationUrl(Map<String, String> settings) {
            return Optional.of(URI.create(defaultTokenUrl(settings).getHost().contains("sandbox")
                    ? "https://auth.sandbox.ebay.com/oauth2/authorize" : "https://auth.ebay.com/oauth2/authorize"));
        }
    },
    /** An internal token service: {@code GET {url}} with the tenant in a header. */
    AUTH_SERVICE("auth-service", Set.of("url", "tenant_header"), false, false) {
        @Override
        URI defaultTokenUrl(Map<String, String> settings) {
            String url = settings.get("url");
            if (url == null) {
                throw new IllegalArgumentException("url is required for provider auth-service");
            }
            return httpUrl("url", url);
        }
    };

    /** Settings whose key starts with this are extra form fields sent with every token request (oauth2 only). */
    public static final String FORM_PARAMETER_PREFIX = "param.";
    /** Settings whose key starts with this are extra query parameters of the authorize redirect (connect only). */
    public static final String AUTHORIZE_PARAMETER_PREFIX = "authorize.";

    private static final Pattern REGION = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+");

    private final String wireName;
    private final Set<String> settingNames;
    private final boolean needsClientCredentials;
    private final boolean needsRefreshToken;

    ProviderType(String wireName, Set<String> settingNames, boolean needsClientCredentials, boolean needsRefreshToken) {
        this.wireName = wireName;
        this.settingNames = settingNames;
        this.needsClientCredentials = needsClientCredentials;
        this.needsRefreshToken = needsRefreshToken;
    }

    /** The name used in the API and in configuration. */
    public String wireName() {
        return wireName;
    }

    /** The provider-specific settings this type accepts, besides {@code token_url}. */
    public Set<String> settingNames() {
        return settingNames;
    }

    public boolean needsClientCredentials() {
        return needsClientCredentials;
    }

    public boolean needsRefreshToken() {
        return needsRefreshToken;
    }

    /** Whether extra form fields ({@link #FORM_PARAMETER_PREFIX}) may be configured. */
    public boolean acceptsFormParameters() {
        return this == OAUTH2;
    }

    /**
     * The token endpoint: {@code override} when given (tests and private deployments point it at their own
     * servers), otherwise the provider's documented endpoint for these settings.
     *
     * @throws IllegalArgumentException naming the missing or malformed setting
     */
    public URI tokenUrl(Optional<URI> override, Map<String, String> settings) {
        return override.orElseGet(() -> defaultTokenUrl(settings));
    }

    abstract URI defaultTokenUrl(Map<String, String> settings);

    /** The provider's documented authorize endpoint for these settings; empty where it must be given. */
    Optional<URI> defaultAuthorizationUrl(Map<String, String> settings) {
        return Optional.empty();
    }

    /**
     * The authorize endpoint of the connect flow: {@code override} when given, otherwise the provider's own.
     *
     * @throws IllegalArgumentException when the provider has none and none is given, naming the setting
     */
    public URI authorizationUrl(Optional<URI> override, Map<String, String> settings) {
        return override.or(() -> defaultAuthorizationUrl(settings)).orElseThrow(() -> new IllegalArgumentException(
                "authorization_url is required for an authorization_code connection of provider " + wireName));
    }

    /** The grants a connection of this type may use; qpay and auth-service speak their own dialects only. */
    public Set<Grant> grants() {
        return switch (this) {
            case OAUTH2, GENESYS, EBAY -> Set.of(Grant.CLIENT_CREDENTIALS, Grant.AUTHORIZATION_CODE);
            case QUICKBOOKS -> Set.of(Grant.AUTHORIZATION_CODE);
            case QPAY, AUTH_SERVICE -> Set.of(Grant.CLIENT_CREDENTIALS);
        };
    }

    /** The grant of a connection that names none: QuickBooks knows only consent, the rest default to today's. */
    public Grant defaultGrant() {
        return this == QUICKBOOKS ? Grant.AUTHORIZATION_CODE : Grant.CLIENT_CREDENTIALS;
    }

    /** Whether a user can consent to a connection of this type through a connect link. */
    public boolean supportsConnect() {
        return grants().contains(Grant.AUTHORIZATION_CODE);
    }

    /** The setting a default token endpoint is built from, when it is built from one. */
    public Optional<String> tokenUrlSetting() {
        return switch (this) {
            case QPAY -> Optional.of("base_url");
            case AUTH_SERVICE -> Optional.of("url");
            case GENESYS -> Optional.of("region");
            default -> Optional.empty();
        };
    }

    public static Optional<ProviderType> fromWireName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String wanted = name.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(type -> type.wireName.equals(wanted)).findFirst();
    }

    private static URI httpUrl(String field, String value) {
        try {
            URI uri = URI.create(value);
            if (uri.getHost() != null && ("https".equalsIgnoreCase(uri.getScheme())
                    || "http".equalsIgnoreCase(uri.getScheme()))) {
                return uri;
            }
        } catch (IllegalArgumentException malformed) {
            // reported below, without echoing the value
        }
        throw new IllegalArgumentException(field + " must be an absolute http(s) URL");
    }
}
