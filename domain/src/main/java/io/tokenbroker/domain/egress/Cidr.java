package io.tokenbroker.domain.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** A block of IP addresses, {@code 10.20.0.0/16} or {@code fd00::/8}; a bare address is a block of one. */
public final class Cidr {

    private final byte[] network;
    private final int prefixLength;

    private Cidr(byte[] network, int prefixLength) {
        this.network = network;
        this.prefixLength = prefixLength;
    }

    /** @throws IllegalArgumentException when the text is not an IP literal with an optional prefix length */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        byte[] bytes = IpLiteral.parse(address)
                .orElseThrow(() -> new IllegalArgumentException("not an IP address or CIDR: " + text));
        int bits = bytes.length * 8;
        int prefix = slash < 0 ? bits : prefixOf(text.substring(slash + 1), bits, text);
        return new Cidr(bytes, prefix);
    }

    /** Whether the text looks like an address or a CIDR rather than a host name. */
    public static boolean looksLikeCidr(String text) {
        int slash = text.indexOf('/');
        return IpLiteral.parse(slash < 0 ? text : text.substring(0, slash)).isPresent();
    }

    private static int prefixOf(String digits, int bits, String text) {
        try {
            int prefix = Integer.parseInt(digits);
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("prefix length out of range in " + text);
            }
            return prefix;
        } catch (NumberFormatException malformed) {
            throw new IllegalArgumentException("not a prefix length in " + text);
        }
    }

    /** Whether the address (4 or 16 bytes) lies in this block; an IPv4 block never holds an IPv6 address. */
    public boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        int whole = prefixLength / 8;
        for (int i = 0; i < whole; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (address[whole] & mask) == (network[whole] & mask);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Cidr cidr && prefixLength == cidr.prefixLength && Arrays.equals(network, cidr.network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixLength;
    }

    @Override
    public String toString() {
        try {
            // getByAddress builds the address from its bytes; it never resolves anything.
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
