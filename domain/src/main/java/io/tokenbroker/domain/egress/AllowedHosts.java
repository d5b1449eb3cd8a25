package io.tokenbroker.domain.egress;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The operator's list of outbound targets that tenants may name beyond public addresses: exact host names, wildcard
 * patterns ({@code *.intuit.com} admits {@code a.intuit.com} and {@code a.b.intuit.com}, not {@code intuit.com}) and
 * CIDRs ({@code 10.20.0.0/16}, a bare address being its own block).
 */
public final class AllowedHosts {

    private static final Pattern HOST_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");

    private final List<String> exactHosts;
    private final List<String> suffixes;
    private final List<Cidr> blocks;

    private AllowedHosts(List<String> exactHosts, List<String> suffixes, List<Cidr> blocks) {
        this.exactHosts = List.copyOf(exactHosts);
        this.suffixes = List.copyOf(suffixes);
        this.blocks = List.copyOf(blocks);
    }

    public static AllowedHosts none() {
        return new AllowedHosts(List.of(), List.of(), List.of());
    }

    /**
     * @param entries host names, {@code *.}-patterns and CIDRs, blanks ignored
     * @throws IllegalArgumentException naming the first entry that is none of those
     */
    public static AllowedHosts of(List<String> entries) {
        List<String> exact = new ArrayList<>();
        List<String> suffixes = new ArrayList<>();
        List<Cidr> blocks = new ArrayList<>();
        for (String raw : entries) {
            String entry = raw.strip();
            if (entry.isEmpty()) {
                continue;
            }
            if (Cidr.looksLikeCidr(entry)) {
                blocks.add(Cidr.parse(entry));
            } else if (entry.startsWith("*.") && isHostName(normalise(entry.substring(2)))) {
                suffixes.add("." + normalise(entry.substring(2)));
            } else if (isHostName(normalise(entry))) {
                exact.add(normalise(entry));
            } else {
                throw new IllegalArgumentException("not a host name, *.pattern or CIDR: " + entry);
            }
        }
        return new AllowedHosts(exact, suffixes, blocks);
    }

    /** Whether the host name or the address it resolved to is on the list, by name, pattern or block. */
    public boolean admits(String host, byte[] address) {
        String name = normalise(host);
        return listsExactly(name, address) || suffixes.stream().anyMatch(name::endsWith);
    }

    /** Whether the host is listed by its exact name, or the address by a block: what lifts an always-refused class. */
    public boolean listsExactly(String host, byte[] address) {
        return exactHosts.contains(normalise(host)) || blocks.stream().anyMatch(block -> block.contains(address));
    }

    private static boolean isHostName(String text) {
        return HOST_NAME.matcher(text).matches();
    }

    private static String normalise(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    @Override
    public String toString() {
        return "AllowedHosts[hosts=" + exactHosts + ", patterns=" + suffixes + ", blocks=" + blocks + "]";
    }
}
