package io.tokenbroker.bootstrap.e2e;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import io.tokenbroker.adapters.http.upstream.EgressGuard;
import io.tokenbroker.bootstrap.EgressFactory;
import io.tokenbroker.domain.egress.IpLiteral;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The egress guard's resolver in every test context: no test asks DNS anything. IP literals are read, localhost is
 * loopback, names a test {@linkplain #pointAtLoopback points} there are loopback from then on (as a rebinding DNS
 * server would answer), names a test {@linkplain #answerInTurn scripts} get their answers in turn, and every other
 * name does not resolve, as on an offline machine. It remembers which thread asked for each name, and how often.
 */
@Singleton
@Requires(env = Environment.TEST)
@Replaces(value = EgressGuard.HostResolver.class, factory = EgressFactory.class)
public final class OfflineHostResolver implements EgressGuard.HostResolver {

    private final Set<String> loopbackNames = ConcurrentHashMap.newKeySet();
    private final Map<String, Deque<InetAddress>> scripted = new ConcurrentHashMap<>();
    private final Map<String, List<String>> lookups = new ConcurrentHashMap<>();

    /** From now on {@code host} resolves to 127.0.0.1. */
    public void pointAtLoopback(String host) {
        loopbackNames.add(host);
    }

    /**
     * From now on {@code host} resolves to each address in turn, one per lookup, then to the last one for good: what
     * a rebinding DNS server with a zero TTL answers. Replaces an earlier script for the name.
     */
    public void answerInTurn(String host, InetAddress... addresses) {
        scripted.put(host, new ArrayDeque<>(List.of(addresses)));
    }

    /** The names of the threads that looked {@code host} up, one per lookup, oldest first. */
    public List<String> lookupThreads(String host) {
        List<String> threads = lookups.getOrDefault(host, List.of());
        synchronized (threads) {
            return List.copyOf(threads);
        }
    }

    /** Drops every script a test set. */
    public void forgetScripts() {
        scripted.clear();
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        List<String> threads = lookups.computeIfAbsent(host, name -> new ArrayList<>());
        synchronized (threads) {
            threads.add(Thread.currentThread().getName());
        }
        Deque<InetAddress> answers = scripted.get(host);
        if (answers != null) {
            synchronized (answers) {
                InetAddress next = answers.size() > 1 ? answers.poll() : answers.peek();
                return new InetAddress[] {InetAddress.getByAddress(host, next.getAddress())};
            }
        }
        Optional<byte[]> literal = IpLiteral.parse(host);
        if (literal.isPresent()) {
            return new InetAddress[] {InetAddress.getByAddress(literal.get())};
        }
        if (host.equalsIgnoreCase("localhost") || loopbackNames.contains(host)) {
            return new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})};
        }
        throw new UnknownHostException(host);
    }
}
