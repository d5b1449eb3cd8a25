package io.tokenbroker.domain.egress;

import java.util.Arrays;

/**
 * The kind of network an IP address belongs to, read from its bytes alone: no name is resolved here. Addresses that
 * embed an IPv4 address (v4-mapped, v4-compatible, NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}) are classified
 * by the address they embed, since a connection to them reaches that IPv4 host.
 */
public enum AddressClass {
    PUBLIC,
    /** RFC 1918, shared address space (100.64/10), unique-local and site-local IPv6. */
    PRIVATE,
    LOOPBACK,
    /** 169.254/16 and fe80::/10: where cloud metadata services answer. */
    LINK_LOCAL,
    /** 0.0.0.0/8 and {@code ::}: on Linux a connection to 0.0.0.0 reaches the host itself. */
    UNSPECIFIED,
    MULTICAST,
    /** 255.255.255.255. */
    BROADCAST,
    /** 240.0.0.0/4 other than broadcast: not routable. */
    RESERVED;

    /** Whether no connection may go there unless an operator lists the exact host or its CIDR. */
    public boolean alwaysRefused() {
        return this != PUBLIC && this != PRIVATE && this != LOOPBACK;
    }

    /**
     * @param address 4 bytes (IPv4) or 16 bytes (IPv6), as {@code InetAddress.getAddress()} returns them
     * @throws IllegalArgumentException for any other length
     */
    public static AddressClass of(byte[] address) {
        return switch (address.length) {
            case 4 -> ofV4(address);
            case 16 -> ofV6(address);
            default -> throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + address.length);
        };
    }

    private static AddressClass ofV4(byte[] a) {
        int first = a[0] & 0xff;
        int second = a[1] & 0xff;
        if (first == 0) {
            return UNSPECIFIED;
        }
        if (first == 127) {
            return LOOPBACK;
        }
        if (first == 169 && second == 254) {
            return LINK_LOCAL;
        }
        if (first == 10 || (first == 172 && (second & 0xf0) == 16) || (first == 192 && second == 168)
                || (first == 100 && (second & 0xc0) == 64)) {
            return PRIVATE;
        }
        if ((first & 0xf0) == 224) {
            return MULTICAST;
        }
        if ((first & 0xf0) == 240) {
            return isAllOnes(a) ? BROADCAST : RESERVED;
        }
        return PUBLIC;
    }

    private static AddressClass ofV6(byte[] a) {
        byte[] embedded = embeddedV4(a);
        if (embedded != null) {
            return ofV4(embedded);
        }
        if (isZeroUpTo(a, 16)) {
            return UNSPECIFIED;
        }
        if (isZeroUpTo(a, 15) && a[15] == 1) {
            return LOOPBACK;
        }
        int first = a[0] & 0xff;
        int second = a[1] & 0xff;
        if (first == 0xff) {
            return MULTICAST;
        }
        if (first == 0xfe && (second & 0xc0) == 0x80) {
            return LINK_LOCAL;
        }
        if ((first == 0xfe && (second & 0xc0) == 0xc0) || (first & 0xfe) == 0xfc) {
            return PRIVATE;
        }
        return PUBLIC;
    }

    /** The IPv4 address an IPv6 address leads to, or null when it leads to none. */
    private static byte[] embeddedV4(byte[] a) {
        boolean mapped = isZeroUpTo(a, 10) && (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff;
        // v4-compatible (::a.b.c.d), except :: and ::1, which are IPv6's own unspecified and loopback addresses.
        boolean compatible = isZeroUpTo(a, 12) && !(isZeroUpTo(a, 15) && (a[15] & 0xfe) == 0);
        boolean nat64 = a[0] == 0 && (a[1] & 0xff) == 0x64 && (a[2] & 0xff) == 0xff && (a[3] & 0xff) == 0x9b
                && isZeroBetween(a, 4, 12);
        if (mapped || compatible || nat64) {
            return Arrays.copyOfRange(a, 12, 16);
        }
        if ((a[0] & 0xff) == 0x20 && (a[1] & 0xff) == 0x02) {
            return Arrays.copyOfRange(a, 2, 6);
        }
        return null;
    }

    private static boolean isZeroUpTo(byte[] a, int end) {
        return isZeroBetween(a, 0, end);
    }

    private static boolean isZeroBetween(byte[] a, int from, int end) {
        for (int i = from; i < end; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAllOnes(byte[] a) {
        for (byte b : a) {
            if (b != (byte) 0xff) {
                return false;
            }
        }
        return true;
    }
}
