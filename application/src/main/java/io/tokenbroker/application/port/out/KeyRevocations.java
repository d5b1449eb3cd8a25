package io.tokenbroker.application.port.out;

import io.tokenbroker.domain.apikey.ApiKeyId;

/**
 * Tells the other instances that a key was revoked or rotated, so each drops it from its verified-key cache at
 * once instead of trusting it until the cache entry ends. Best effort: an instance that misses the message still
 * stops trusting the key when its entry expires.
 */
public interface KeyRevocations {

    void announce(ApiKeyId id);

    /** For a single instance: the revoking instance already evicted its own cache. */
    KeyRevocations NONE = id -> { };
}
