package io.tokenbroker.domain.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** ProviderType and ClientAuthMethod as they appear in the API and in configuration. */
class WireNameTest {

    @Nested
    class ProviderTypeNames {

        @Test
        void oauth2WireName() {
            assertEquals("oauth2", ProviderType.OAUTH2.wireName());
        }

        @ParameterizedTest
        @ValueSource(strings = {"oauth2", "OAUTH2", "OAuth2"})
        void parsesCaseInsensitively(String name) {
            assertEquals(Optional.of(ProviderType.OAUTH2), ProviderType.fromWireName(name));
        }

        @ParameterizedTest
        @NullAndEmptySource
        @ValueSource(strings = {"oauth", "oauth1", " oauth2", "oidc"})
        void unknownNamesAreEmpty(String name) {
            assertEquals(Optional.empty(), ProviderType.fromWireName(name));
        }

        @ParameterizedTest
        @EnumSource(ProviderType.class)
        void roundTrips(ProviderType type) {
            assertEquals(Optional.of(type), ProviderType.fromWireName(type.wireName()));
        }
    }

    @Nested
    class ClientAuthMethodNames {

        @Test
        void wireNamesFollowRfc6749() {
            assertEquals("client_secret_basic", ClientAuthMethod.CLIENT_SECRET_BASIC.wireName());
            assertEquals("client_secret_post", ClientAuthMethod.CLIENT_SECRET_POST.wireName());
        }

        @ParameterizedTest
        @EnumSource(ClientAuthMethod.class)
        void roundTrips(ClientAuthMethod method) {
            assertEquals(Optional.of(method), ClientAuthMethod.fromWireName(method.wireName()));
        }

        @ParameterizedTest
        @NullAndEmptySource
        @ValueSource(strings = {"basic", "private_key_jwt", "CLIENT_SECRET_BASIC"})
        void unknownNamesAreEmpty(String name) {
            assertEquals(Optional.empty(), ClientAuthMethod.fromWireName(name));
        }
    }
}
