package io.tokenbroker.bootstrap;

import io.micronaut.context.ApplicationContext;
import io.tokenbroker.adapters.postgres.OnlineReEncryption;
import java.util.Map;

/**
 * {@code java -jar tokenbroker.jar re-encrypt}: moves every stored secret to the active key of
 * {@code TOKENBROKER_ENCRYPTION_KEYS}, with the same configuration as the broker, while the brokers keep serving
 * (rows are moved one at a time under a row lock; old-key rows keep reading until moved). Exit status 0 when every
 * row is on the active key, 1 when some row could not be decrypted (it is named in the log, left untouched), 2
 * without a datasource.
 */
public final class ReEncryptCommand {

    private ReEncryptCommand() {
    }

    public static int run(Map<String, Object> extraProperties) {
        try (ApplicationContext context = ApplicationContext.builder().properties(extraProperties).start()) {
            if (!context.containsProperty(PostgresAdapterFactory.DATASOURCE_URL)) {
                System.err.println("re-encrypt needs DATASOURCES_DEFAULT_URL (and _USERNAME, _PASSWORD)");
                return 2;
            }
            OnlineReEncryption.Result result = context.getBean(OnlineReEncryption.class).reEncrypt();
            System.out.println("re-encrypt: " + result.rowsMoved() + " rows moved to the active key, "
                    + result.rowsFailed() + " rows could not be decrypted");
            return result.rowsFailed() == 0 ? 0 : 1;
        }
    }
}
