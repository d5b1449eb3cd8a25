package io.tokenbroker.application.port.in;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Every failure a caller of an in-port can act on, as one sealed family. The {@link Kind} says what the caller can
 * do about it (look elsewhere, fix its input, wait, re-authorise); {@link #problemType()} names the failure stably
 * for machines; {@link #title()} and {@link #detail()} are written for the caller and never carry a secret, a
 * token or an upstream's raw text. Out-port failures are translated into this family by the services, so an
 * adapter's exception never reaches a caller.
 */
public abstract sealed class BrokerException extends RuntimeException
        permits ConnectionNotFoundException, ReauthorisationNeededException, TokenUnavailableException,
                UpstreamFailedException, BrokerUnavailableException, ManageApiKeys.ApiKeyNotFoundException,
                AuthenticateCaller.Throttled, AuthenticateCaller.Overloaded, UpstreamNotAllowedException,
                MinValidityUnsatisfiableException, ConnectRequiredException, ConnectRefusedException {

    /** What kind of answer the caller gets; each maps to exactly one response status at the edge. */
    public enum Kind {
        /** The named thing does not exist (or is not the caller's to see). */
        NOT_FOUND,
        /** The thing exists but is in a state that refuses the request until someone changes it. */
        CONFLICT,
        /** The provider refused to issue a token; retrying will not help until its configuration changes. */
        REJECTED_UPSTREAM,
        /** Nothing is wrong with the request; the broker or the provider cannot serve it now. */
        UNAVAILABLE,
        /** The caller sent too much, too fast. */
        THROTTLED,
        /** The request says something impossible. */
        INVALID,
        /** The request is well-formed, but asks for more than the connection can ever give (e.g. a longer validity). */
        UNSATISFIABLE
    }

    private final Kind kind;
    private final String problemType;
    private final String title;
    private final transient Optional<Duration> retryAfter;

    /**
     * @param message    for logs; like the detail it never carries a secret
     * @param retryAfter how long the caller should wait before trying again, when that is known
     * @param cause      the out-port failure this translates, for logs; may be null
     */
    protected BrokerException(Kind kind, String problemType, String title, String message,
                              Optional<Duration> retryAfter, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.problemType = Objects.requireNonNull(problemType, "problemType");
        this.title = Objects.requireNonNull(title, "title");
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    }

    public final Kind kind() {
        return kind;
    }

    /** A stable, lower-case, hyphenated name of this failure (e.g. {@code connection-not-found}). */
    public final String problemType() {
        return problemType;
    }

    /** A short summary that is the same for every occurrence of the problem type. */
    public final String title() {
        return title;
    }

    /** This occurrence explained to the caller; safe to show. */
    public abstract String detail();

    /** How long the caller should wait before trying again, when that is known. */
    public final Optional<Duration> retryAfter() {
        return retryAfter;
    }
}
