package io.tokenbroker.domain.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an IP address written as a literal — dotted-quad IPv4 or IPv6, bracketed or not, a zone id ignored — without
 * ever resolving a name: a text that is not such a literal is not one, whatever DNS would make of it.
 */
public final class IpLiteral {

    private static final Pattern DOTTED_QUAD = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern V6_CHARACTERS = Pattern.compile("[0-9A-Fa-f:.]+");

    private IpLiteral() {
    }

    /** The address's bytes (4 or 16), or empty when the text is a host name or malformed. */
    public static Optional<byte[]> parse(String text) {
        String literal = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        int zone = literal.indexOf('%');
        if (zone >= 0) {
            literal = literal.substring(0, zone);
        }
        var quad = DOTTED_QUAD.matcher(literal);
        if (quad.matches()) {
            return v4(quad);
        }
        // A text with a colon cannot be a host name, so the JDK parses it as an IPv6 literal and never looks it up.
        if (literal.indexOf(':') >= 0 && V6_CHARACTERS.matcher(literal).matches()) {
            try {
                return Optional.of(InetAddress.getByName(literal).getAddress());
            } catch (UnknownHostException malformed) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static Optional<byte[]> v4(Matcher quad) {
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            int part = Integer.parseInt(quad.group(i + 1));
            if (part > 255) {
                return Optional.empty();
            }
            bytes[i] = (byte) part;
        }
        return Optional.of(bytes);
    }
}
