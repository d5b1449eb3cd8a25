package io.tokenbroker.application.inmemory;

import io.tokenbroker.application.port.out.Reauthorisations;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The embedded default's re-authorisation marks; gone with the process, like its connections. */
public final class InMemoryReauthorisations implements Reauthorisations {

    private final ConcurrentMap<ConnectionKey, Needed> marks = new ConcurrentHashMap<>();

    @Override
    public void mark(Needed needed) {
        marks.put(needed.key(), needed);
    }

    @Override
    public void clear(ConnectionKey key) {
        marks.remove(key);
    }

    @Override
    public Optional<Needed> find(ConnectionKey key) {
        return Optional.ofNullable(marks.get(key));
    }
}
