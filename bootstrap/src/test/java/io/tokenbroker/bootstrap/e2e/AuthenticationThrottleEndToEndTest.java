package io.tokenbroker.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.annotation.Property;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Its own context: the failure counters it fills must not leak into other tests. */
@MicronautTest
@Property(name = "tokenbroker.security.max-failures", value = "5")
class AuthenticationThrottleEndToEndTest {

    private static final String TOKEN = "/v1/tenants/acme/connections/crm/token";

    @Inject
    EmbeddedServer server;

    @Test
    void aFloodOfWrongKeysFromOneAddressIsThrottledWith429WhileAVerifiedKeyKeepsWorking() {
        BrokerClient admin = new BrokerClient(server.getURI());
        assertEquals(200, admin.get("/v1/api-keys").statusCode(), "the admin key is verified and cached");
        BrokerClient attacker = admin.as("tbk_attacker00000001_" + "A".repeat(43));
        for (int i = 0; i < 5; i++) {
            assertEquals(401, attacker.get(TOKEN).statusCode());
        }

        HttpResponse<String> throttled = attacker.get(TOKEN);

        assertEquals(429, throttled.statusCode(), throttled.body());
        assertTrue(throttled.headers().firstValue("Retry-After").isPresent());
        assertTrue(throttled.body().contains("authentication-throttled"));
        assertEquals(200, admin.get("/v1/api-keys").statusCode(), "same address, verified key: not locked out");
    }
}
