package io.tokenbroker.bootstrap;

import io.micronaut.context.ApplicationContext;
import io.tokenbroker.adapters.postgres.OnlineReEncryption;
import io.tokenbroker.adapters.redis.RedisAdapters;
import java.util.Map;
import java.util.Optional;

/**
 * {@code java -jar tokenbroker.jar re-encrypt}: moves every stored secret to the active key of
 * {@code TOKENBROKER_ENCRYPTION_KEYS}, with the same configuration as the broker, while the brokers keep serving:
 * the vault's rows (one at a time under a row lock; old-key rows keep reading until moved) and the access tokens
 * cached in Redis (each swapped only if unchanged since read). Afterwards the retired key can leave the ring. Exit
 * status 0 when everything is on the active key, 1 when some row could not be decrypted (it is named in the log,
 * left untouched), 2 with neither a datasource nor Redis. A cached token that does not open is left to expire.
 */
public final class ReEncryptCommand {

    private ReEncryptCommand() {
    }

    public static int run(Map<String, Object> extraProperties) {
        try (ApplicationContext context = ApplicationContext.builder().properties(extraProperties).start()) {
            Optional<RedisAdapters> redis = context.findBean(RedisAdapters.class);
            boolean vault = context.containsProperty(PostgresAdapterFactory.DATASOURCE_URL);
            if (!vault && redis.isEmpty()) {
                System.err.println("re-encrypt needs DATASOURCES_DEFAULT_URL (and _USERNAME, _PASSWORD) or REDIS_URI");
                return 2;
            }
            int failed = 0;
            if (vault) {
                OnlineReEncryption.Result result = context.getBean(OnlineReEncryption.class).reEncrypt();
                System.out.println("re-encrypt: " + result.rowsMoved() + " rows moved to the active key, "
                        + result.rowsFailed() + " rows could not be decrypted");
                failed = result.rowsFailed();
            }
            redis.ifPresent(adapters -> System.out.println("re-encrypt: " + adapters.resealTokens()
                    + " cached tokens in Redis sealed again under the active key"));
            return failed == 0 ? 0 : 1;
        }
    }
}
