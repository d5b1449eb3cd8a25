package io.tokenbroker.bootstrap.logging;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Registered for every test class (extension autodetection): fails the class if anything it made the broker log
 * looked like a key, a token or a test secret. Together the classes cover every line the suite logs.
 */
public final class NoSecretsInLogs implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) {
        List<String> leaks = LeakDetectingAppender.takeLeaks();
        if (!leaks.isEmpty()) {
            throw new AssertionError("secret-shaped text was logged by " + leaks);
        }
    }
}
