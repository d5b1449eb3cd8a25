package io.tokenbroker.application.port.in;

import java.util.OptionalLong;

/**
 * Removes refresh-log rows older than the retention and signs a checkpoint at the cut, so what remains verifies. One
 * instance at a time: empty when another is at it, else how many rows went.
 */
public interface EnforceRetention {

    OptionalLong enforce();
}
