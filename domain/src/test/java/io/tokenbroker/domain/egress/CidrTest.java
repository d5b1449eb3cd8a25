package io.tokenbroker.domain.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CidrTest {

    @ParameterizedTest(name = "{0} holds {1}: {2}")
    @CsvSource({
            "10.20.0.0/16, 10.20.5.5, true", "10.20.0.0/16, 10.21.0.0, false",
            "172.16.0.0/12, 172.31.255.255, true", "172.16.0.0/12, 172.32.0.0, false",
            "127.0.0.1, 127.0.0.1, true", "127.0.0.1, 127.0.0.2, false", "127.0.0.0/8, 127.9.9.9, true",
            "0.0.0.0/0, 8.8.8.8, true", "fd00::/8, fd12::1, true", "fd00::/8, fc00::1, false",
            "::1, ::1, true", "10.0.0.0/8, ::ffff:10.0.0.1, true", "0.0.0.0/0, 2001:db8::1, false",
            "::/0, 10.0.0.1, false"
    })
    void holdsAddressesOfItsFamilyUnderItsPrefix(String block, String address, boolean expected) {
        assertEquals(expected, Cidr.parse(block).contains(IpLiteral.parse(address).orElseThrow()));
    }

    @ParameterizedTest
    @CsvSource({"10.0.0.0/33", "::/129", "10.0.0.0/-1", "10.0.0.0/x", "intranet.local/8", "10.0.0/8"})
    void refusesWhatIsNoBlock(String text) {
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));
    }

    @Test
    void tellsBlocksFromHostNames() {
        assertTrue(Cidr.looksLikeCidr("10.20.0.0/16"));
        assertTrue(Cidr.looksLikeCidr("fd00::1"));
        assertFalse(Cidr.looksLikeCidr("auth-service.internal"));
        assertFalse(Cidr.looksLikeCidr("*.intuit.com"));
    }

    @Test
    void printsAsWritten() {
        assertEquals("10.20.0.0/16", Cidr.parse("10.20.0.0/16").toString());
        assertEquals(Cidr.parse("127.0.0.1/32"), Cidr.parse("127.0.0.1"));
    }
}
