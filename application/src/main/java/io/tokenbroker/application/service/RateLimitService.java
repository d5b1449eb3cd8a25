package io.tokenbroker.application.service;

import io.tokenbroker.application.port.in.AdmitRequest;
import io.tokenbroker.application.port.out.RateLimits;
import io.tokenbroker.domain.apikey.Admission;
import io.tokenbroker.domain.apikey.ApiKeyId;
import io.tokenbroker.domain.apikey.RateLimit;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Per key (with per-key overrides) and per address. Both are counted on every request, so a caller spreading
 * requests over many keys is still held by its address, and many callers behind one address by their keys.
 */
public final class RateLimitService implements AdmitRequest {

    private final RateLimits limits;
    private final RateLimit perKey;
    private final Map<ApiKeyId, RateLimit> keyOverrides;
    private final RateLimit perAddress;

    public RateLimitService(RateLimits limits, RateLimit perKey, Map<ApiKeyId, RateLimit> keyOverrides,
                            RateLimit perAddress) {
        this.limits = limits;
        this.perKey = perKey;
        this.keyOverrides = Map.copyOf(keyOverrides);
        this.perAddress = perAddress;
    }

    @Override
    public Admission admit(Command command) {
        Optional<Admission> byAddress = perAddress.isOff() ? Optional.empty()
                : Optional.of(limits.admit("addr:" + command.clientAddress(), perAddress));
        Optional<Admission> byKey = command.key().flatMap(id -> {
            RateLimit limit = keyOverrides.getOrDefault(id, perKey);
            return limit.isOff() ? Optional.empty() : Optional.of(limits.admit("key:" + id.value(), limit));
        });
        return tighter(byAddress, byKey).orElse(new Admission(true, 0, 0, Duration.ZERO));
    }

    private static Optional<Admission> tighter(Optional<Admission> a, Optional<Admission> b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        Admission x = a.get();
        Admission y = b.get();
        if (x.allowed() != y.allowed()) {
            return Optional.of(x.allowed() ? y : x);
        }
        return Optional.of(x.remaining() <= y.remaining() ? x : y);
    }
}
