package io.tokenbroker.client;

import java.time.Duration;
import java.util.Optional;

/**
 * A failure the broker reported as problem+json (or no answer at all), typed by what a caller can do about it.
 * Catch a subclass to act ({@link Unavailable}: wait {@link #retryAfter()}; {@link Conflict} with
 * {@link Conflict#reauthorizationRequired()}: ask the tenant to consent again); catch this class for the rest.
 * The message holds only what the broker wrote (type, title, detail), never a token or key.
 */
public class TokenBrokerException extends RuntimeException {

    private final Problem problem;
    private final Duration retryAfter;

    public TokenBrokerException(Problem problem, Optional<Duration> retryAfter, Throwable cause) {
        super(message(problem), cause);
        this.problem = problem;
        this.retryAfter = retryAfter.orElse(null);
    }

    public TokenBrokerException(Problem problem, Optional<Duration> retryAfter) {
        this(problem, retryAfter, null);
    }

    /**
     * The one mapping from a problem to its type, by HTTP status; the HTTP client and callers' fakes use it.
     *
     * @param retryAfter from the answer's {@code Retry-After} header, if it had one
     */
    public static TokenBrokerException of(Problem problem, Optional<Duration> retryAfter) {
        return switch (problem.status()) {
            case 400, 422 -> new InvalidRequest(problem);
            case 401, 403 -> new Unauthorized(problem);
            case 404 -> new NotFound(problem);
            case 409 -> new Conflict(problem, retryAfter);
            case 429 -> new RateLimited(problem, retryAfter);
            case 502 -> new UpstreamRejected(problem);
            case 503 -> new Unavailable(problem, retryAfter, null);
            default -> new TokenBrokerException(problem, retryAfter);
        };
    }

    public Problem problem() {
        return problem;
    }

    /** How long the broker asked to wait before trying again ({@code Retry-After}), if it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    private static String message(Problem problem) {
        String detail = problem.detail() == null ? "" : ": " + problem.detail();
        return problem.status() + " " + problem.title() + detail + " (" + problem.type() + ")";
    }

    /** 400 or 422: the request was wrong (an invalid identifier, an impossible parameter); retrying will not help. */
    public static final class InvalidRequest extends TokenBrokerException {
        public InvalidRequest(Problem problem) {
            super(problem, Optional.empty());
        }
    }

    /** 401 or 403: the API key is missing, wrong, revoked, or lacks the scope or tenant. */
    public static final class Unauthorized extends TokenBrokerException {
        public Unauthorized(Problem problem) {
            super(problem, Optional.empty());
        }
    }

    /** 404: no such connection under this tenant (or the key may not see it). */
    public static final class NotFound extends TokenBrokerException {
        public NotFound(Problem problem) {
            super(problem, Optional.empty());
        }
    }

    /** 409: the connection needs re-authorization, or an identical request is still running. */
    public static final class Conflict extends TokenBrokerException {
        public Conflict(Problem problem, Optional<Duration> retryAfter) {
            super(problem, retryAfter);
        }

        /** The provider refused the stored grant: only the tenant's new consent helps, not a retry. */
        public boolean reauthorizationRequired() {
            return "reauthorization-required".equals(problem().name());
        }
    }

    /** 429: this key or address sent too many requests; wait {@link #retryAfter()}. */
    public static final class RateLimited extends TokenBrokerException {
        public RateLimited(Problem problem, Optional<Duration> retryAfter) {
            super(problem, retryAfter);
        }
    }

    /** 502: the provider refused to issue a token (wrong client credentials, for instance). */
    public static final class UpstreamRejected extends TokenBrokerException {
        public UpstreamRejected(Problem problem) {
            super(problem, Optional.empty());
        }
    }

    /** 503, or no answer: the provider or the broker is unavailable for now; try again after {@link #retryAfter()}. */
    public static final class Unavailable extends TokenBrokerException {
        public Unavailable(Problem problem, Optional<Duration> retryAfter, Throwable cause) {
            super(problem, retryAfter, cause);
        }
    }
}
