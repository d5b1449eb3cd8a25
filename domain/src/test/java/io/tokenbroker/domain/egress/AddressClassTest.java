package io.tokenbroker.domain.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Literal addresses only: nothing here resolves a name or opens a connection. */
class AddressClassTest {

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "8.8.8.8, PUBLIC", "172.32.0.1, PUBLIC", "100.128.0.1, PUBLIC", "192.169.0.1, PUBLIC",
            "10.0.0.1, PRIVATE", "10.255.255.255, PRIVATE", "172.16.0.1, PRIVATE", "172.31.255.255, PRIVATE",
            "192.168.1.1, PRIVATE", "100.64.0.1, PRIVATE", "100.127.255.255, PRIVATE",
            "127.0.0.1, LOOPBACK", "127.255.255.254, LOOPBACK",
            "169.254.169.254, LINK_LOCAL", "169.254.0.1, LINK_LOCAL",
            "0.0.0.0, UNSPECIFIED", "0.1.2.3, UNSPECIFIED",
            "224.0.0.1, MULTICAST", "239.255.255.255, MULTICAST",
            "255.255.255.255, BROADCAST", "240.0.0.1, RESERVED",
            "::, UNSPECIFIED", "::1, LOOPBACK", "[::1], LOOPBACK",
            "fe80::1, LINK_LOCAL", "febf::1, LINK_LOCAL", "fe80::1%eth0, LINK_LOCAL",
            "fec0::1, PRIVATE", "fc00::1, PRIVATE", "fd12:3456::1, PRIVATE",
            "ff02::1, MULTICAST", "2001:db8::1, PUBLIC", "2606:4700::1111, PUBLIC",
            "::ffff:169.254.169.254, LINK_LOCAL", "::ffff:127.0.0.1, LOOPBACK", "::ffff:10.0.0.1, PRIVATE",
            "::ffff:8.8.8.8, PUBLIC", "::127.0.0.1, LOOPBACK", "::169.254.169.254, LINK_LOCAL",
            "64:ff9b::a9fe:a9fe, LINK_LOCAL", "64:ff9b::808:808, PUBLIC",
            "2002:a9fe:a9fe::1, LINK_LOCAL", "2002:7f00:1::, LOOPBACK", "2002:808:808::, PUBLIC"
    })
    void classifiesLiterals(String literal, AddressClass expected) {
        byte[] address = IpLiteral.parse(literal).orElseThrow();
        assertEquals(expected, AddressClass.of(address));
    }

    @Test
    void v4MappedIsClassifiedByItsEmbeddedAddressEvenInSixteenBytes() {
        // The JDK hands v4-mapped literals back as 4 bytes; an adapter may still see the 16-byte form.
        byte[] mapped = HexFormat.of().parseHex("00000000000000000000ffffa9fea9fe");
        assertEquals(AddressClass.LINK_LOCAL, AddressClass.of(mapped));
        byte[] mappedLoopback = HexFormat.of().parseHex("00000000000000000000ffff7f000001");
        assertEquals(AddressClass.LOOPBACK, AddressClass.of(mappedLoopback));
    }

    @Test
    void onlyPublicPrivateAndLoopbackMayEverBeCalledWithoutAnExactListing() {
        for (AddressClass kind : AddressClass.values()) {
            boolean callable = kind == AddressClass.PUBLIC || kind == AddressClass.PRIVATE
                    || kind == AddressClass.LOOPBACK;
            assertEquals(!callable, kind.alwaysRefused(), kind.name());
        }
    }

    @Test
    void refusesAddressesOfAnotherLength() {
        assertThrows(IllegalArgumentException.class, () -> AddressClass.of(new byte[5]));
    }

    @ParameterizedTest
    @CsvSource({"localhost", "example.com", "256.1.1.1", "1.2.3", "127.1", "2130706433", "0x7f.0.0.1", "::g",
            "1:2:3:4:5:6:7:8:9", "''"})
    void hostNamesAndMalformedTextsAreNoLiterals(String text) {
        assertFalse(IpLiteral.parse(text).isPresent(), text);
    }

    @Test
    void literalsKeepTheirFamily() {
        assertTrue(IpLiteral.parse("127.0.0.1").map(bytes -> bytes.length == 4).orElseThrow());
        assertTrue(IpLiteral.parse("[2001:db8::1]").map(bytes -> bytes.length == 16).orElseThrow());
    }
}
