package io.tokenbroker.bootstrap.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * Sees every log event of the test run, before any masking, and remembers those that carry something secret-shaped:
 * a whole API key, or a token or refresh token as the sandbox and the tests mint them.
 */
public final class LeakDetectingAppender extends AppenderBase<ILoggingEvent> {

    private static final Pattern SECRET = Pattern.compile(
            "tbk_[a-z0-9]{16}_[A-Za-z0-9_-]{43}"          // an API key with its secret
            + "|sbx_(at|rt|qpay|internal)_[0-9]+_[A-Za-z0-9_-]{8,}|sbx_rt_[A-Za-z0-9_-]{8,}" // sandbox tokens
            + "|e2e-secret-never-echoed|provider-secret|wired-secret|TestAdminKeyTestAdminKey" // test secrets
            + "|eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\."              // a JWT (signed access tokens)
            // A connect link, state, browser cookie or PKCE verifier: 256 bits, base64url, standing alone.
            + "|(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])");
    /** Values a test saw pass by (authorization codes, states, links): none may appear in a log line. */
    private static final Set<String> WATCHED = ConcurrentHashMap.newKeySet();

    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
    private static final List<ILoggingEvent> RECENT = new CopyOnWriteArrayList<>();

    @Override
    protected void append(ILoggingEvent event) {
        event.prepareForDeferredProcessing();
        RECENT.add(event);
        if (RECENT.size() > 2_000) {
            RECENT.subList(0, 1_000).clear();
        }
        StringBuilder text = new StringBuilder(event.getFormattedMessage() == null ? "" : event.getFormattedMessage());
        for (IThrowableProxy thrown = event.getThrowableProxy(); thrown != null; thrown = thrown.getCause()) {
            text.append('\n').append(thrown.getMessage());
        }
        if (SECRET.matcher(text).find() || WATCHED.stream().anyMatch(watched -> text.indexOf(watched) >= 0)) {
            LEAKS.add(event.getLevel() + " " + event.getLoggerName());
        }
    }

    /** Also counts any line holding this exact value as a leak (an authorization code or state a test saw). */
    public static void watch(String value) {
        if (value != null && value.length() >= 8) {
            WATCHED.add(value);
        }
    }

    /** Whether {@code text} holds something secret-shaped, by the same patterns: for what leaves the broker elsewhere. */
    public static boolean isSecretShaped(CharSequence text) {
        return SECRET.matcher(text).find();
    }

    /** The request id (MDC {@code requestId}) of the newest logged event whose message contains {@code text}. */
    public static java.util.Optional<String> requestIdOfLastEventContaining(String text) {
        for (int i = RECENT.size() - 1; i >= 0; i--) {
            ILoggingEvent event = RECENT.get(i);
            if (event.getFormattedMessage() != null && event.getFormattedMessage().contains(text)) {
                return java.util.Optional.ofNullable(event.getMDCPropertyMap().get("requestId"));
            }
        }
        return java.util.Optional.empty();
    }

    /** Where secret-shaped text was logged so far (level and logger, never the text itself); clears the record. */
    public static List<String> takeLeaks() {
        List<String> taken = List.copyOf(LEAKS);
        LEAKS.clear();
        return taken;
    }
}
