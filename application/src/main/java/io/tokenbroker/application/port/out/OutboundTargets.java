package io.tokenbroker.application.port.out;

import io.tokenbroker.domain.egress.EgressRefusal;
import io.tokenbroker.domain.egress.SavedBy;
import java.net.URI;
import java.util.Optional;

/**
 * Judges an outbound URL a connection names against the broker's egress policy when the connection is saved: its
 * form, and every address its host resolves to now. A host name that does not resolve is not refused (the broker may
 * be offline, or the name internal to where it will run); the call-time check before every request still applies.
 */
@FunctionalInterface
public interface OutboundTargets {

    /** The reason the URL may not be saved by this kind of key, or empty when it may. Never opens a connection. */
    Optional<EgressRefusal> checkAtSave(URI url, SavedBy savedBy);
}
