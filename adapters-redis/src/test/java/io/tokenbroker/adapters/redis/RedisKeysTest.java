package io.tokenbroker.adapters.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tokenbroker.domain.connection.ConnectionKey;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RedisKeysTest {

    private final RedisKeys keys = new RedisKeys("tb");
    private final ConnectionKey acmeCrm = ConnectionKey.of("acme", "crm");

    @Test
    void everyKeyOfAConnectionSharesOneHashTag() {
        assertEquals("tb:{acme:crm}:token", keys.token(acmeCrm));
        assertEquals("tb:{acme:crm}:lease", keys.lease(acmeCrm));
        assertEquals("tb:{acme:crm}:fence", keys.fence(acmeCrm));
        assertEquals("tb:{acme:crm}:events", keys.channel(acmeCrm));
    }

    @Test
    void connectionsOfDifferentTenantsNeverShareAKey() {
        assertEquals("tb:{a.b:c}:token", keys.token(ConnectionKey.of("a.b", "c")));
        assertEquals("tb:{a:b.c}:token", keys.token(ConnectionKey.of("a", "b.c")));
    }

    @Test
    void aChannelNamesItsConnectionBack() {
        assertEquals("tb:{*}:events", keys.channelPattern());
        assertEquals(Optional.of(acmeCrm), keys.connectionOf(keys.channel(acmeCrm)));
        assertEquals(Optional.empty(), keys.connectionOf("other:{acme:crm}:events"), "another prefix");
        assertEquals(Optional.empty(), keys.connectionOf("tb:{acme:crm}:token"), "not a channel");
        assertEquals(Optional.empty(), keys.connectionOf("tb:{acme}:events"), "no connection");
    }

    @Test
    void theScheduleKeysShareOneHashTagAndItsMembersNameTheirConnectionBack() {
        assertEquals("tb:{schedule}:queued", keys.scheduleQueued());
        assertEquals("tb:{schedule}:claimed", keys.scheduleClaimed());
        assertEquals("tb:{schedule}:entries", keys.scheduleEntries());
        assertEquals("tb:{schedule}:demand", keys.scheduleDemand());
        assertEquals("acme:crm", keys.scheduleMember(acmeCrm));
        assertEquals(Optional.of(acmeCrm), keys.connectionOfScheduleMember("acme:crm"));
        assertEquals(Optional.empty(), keys.connectionOfScheduleMember("acme"));
        assertEquals(Optional.empty(), keys.connectionOfScheduleMember("acme:crm:x"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "tb:x", "{tb}", "with space", "123456789012345678901234567890123"})
    void aPrefixThatCouldBreakTheLayoutIsRefused(String prefix) {
        assertThrows(IllegalArgumentException.class, () -> new RedisKeys(prefix));
    }
}
