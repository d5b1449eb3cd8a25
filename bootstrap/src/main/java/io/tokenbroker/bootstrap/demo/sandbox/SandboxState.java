package io.tokenbroker.bootstrap.demo.sandbox;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the sandbox remembers between requests: its counters, the refresh tokens it issued ({@link RefreshTokenLedger}:
 * each accepted once, or again inside a reuse grace), and the switches (response delay, fault, hold) benchmarks and
 * drills turn.
 */
final class SandboxState {

    private final AtomicLong tokenRequests = new AtomicLong();
    private final AtomicLong issued = new AtomicLong();
    private final AtomicLong faultResponses = new AtomicLong();
    private final AtomicLong refreshRejected = new AtomicLong();
    private final RefreshTokenLedger refreshTokens;
    private final RequestHold hold = new RequestHold();
    private final Map<String, Consent> codes = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private volatile Duration responseDelay = Duration.ZERO;
    private volatile Fault fault = Fault.NONE;

    SandboxState(Clock clock) {
        this.refreshTokens = new RefreshTokenLedger(clock);
    }

    void countTokenRequest() {
        tokenRequests.incrementAndGet();
    }

    long tokenRequests() {
        return tokenRequests.get();
    }

    void countRejectedRefresh() {
        refreshRejected.incrementAndGet();
    }

    SandboxJson.Stats stats() {
        return new SandboxJson.Stats(tokenRequests.get(), faultResponses.get(), refreshRejected.get());
    }

    /** A fresh opaque access token: the prefix names the dialect, the counter makes it easy to follow in a log. */
    String mintAccessToken(String prefix) {
        return prefix + issued.incrementAndGet() + "_" + randomPart();
    }

    String issueRefreshToken() {
        return issueRefreshToken(0);
    }

    private String issueRefreshToken(long parent) {
        String refreshToken = "sbx_rt_" + randomPart();
        refreshTokens.issued(refreshToken, parent);
        return refreshToken;
    }

    /** A consent the authorize endpoint granted: the PKCE challenge and redirect URI its code is bound to. */
    record Consent(String challenge, String redirectUri) {
    }

    /** An authorization code for this consent, redeemable once. */
    String issueCode(Consent consent) {
        String code = "sbx_code_" + randomPart();
        codes.put(code, consent);
        return code;
    }

    Optional<Consent> redeemCode(String code) {
        return Optional.ofNullable(codes.remove(code));
    }

    /**
     * Rotation: each refresh token works once, as with Intuit (or again within the reuse grace), and is answered by
     * a new one; empty when it is refused.
     */
    Optional<String> rotateRefreshToken(String refreshToken) {
        return refreshTokens.redeem(refreshToken).map(this::issueRefreshToken);
    }

    RefreshTokenLedger refreshTokens() {
        return refreshTokens;
    }

    RequestHold hold() {
        return hold;
    }

    Duration responseDelay() {
        return responseDelay;
    }

    void setResponseDelay(Duration delay) {
        this.responseDelay = delay;
    }

    void fault(int status, Duration duration, Optional<Duration> retryAfter) {
        this.fault = status == 0 ? Fault.NONE : new Fault(status, System.nanoTime() + duration.toNanos(), retryAfter);
    }

    /** The fault to answer with now, counted as answered; empty when none is running. */
    Optional<Fault> answerFault() {
        Fault current = fault;
        if (current == Fault.NONE || System.nanoTime() - current.untilNanos() >= 0) {
            return Optional.empty();
        }
        faultResponses.incrementAndGet();
        return Optional.of(current);
    }

    private String randomPart() {
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    record Fault(int status, long untilNanos, Optional<Duration> retryAfter) {
        static final Fault NONE = new Fault(0, 0, Optional.empty());
    }
}
