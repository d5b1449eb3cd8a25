package io.tokenbroker.adapters.postgres;

import io.micronaut.transaction.TransactionOperations;
import io.tokenbroker.adapters.postgres.AssociatedData.Field;
import io.tokenbroker.application.port.out.Sealed;
import io.tokenbroker.application.port.out.Seals;
import io.tokenbroker.application.port.out.UndecryptableSecretException;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * Moves every secret sealed under a key other than the active one to the active key (the operator's
 * {@code re-encrypt}), a row at a time in its own transaction under a row lock, so it runs online: readers keep
 * working (old-key rows open until moved) and a rotation racing the move waits for the row and then applies on top.
 * Rows that do not decrypt are counted and logged, not touched.
 */
public final class OnlineReEncryption {

    private static final System.Logger LOG = System.getLogger(OnlineReEncryption.class.getName());

    /** What one run did. */
    public record Result(int rowsMoved, int rowsFailed) {
    }

    private final ConnectionRepository rows;
    private final Seals cipher;
    private final Clock clock;
    private final TransactionOperations<Connection> transactions;

    public OnlineReEncryption(ConnectionRepository rows, Seals cipher, Clock clock,
                              TransactionOperations<Connection> transactions) {
        this.rows = Objects.requireNonNull(rows, "rows");
        this.cipher = Objects.requireNonNull(cipher, "cipher");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.transactions = Objects.requireNonNull(transactions, "transactions");
    }

    public Result reEncrypt() {
        String active = cipher.activeKeyId();
        int moved = 0;
        int failed = 0;
        long lastId = 0;
        while (true) {
            long afterId = lastId;
            Optional<Long> id = Storage.call("looking for rows to re-encrypt",
                    () -> rows.nextSealedUnderAnotherKey(afterId, active));
            if (id.isEmpty()) {
                return new Result(moved, failed);
            }
            lastId = id.get();
            try {
                if (moveRow(lastId, active)) {
                    moved++;
                }
            } catch (UndecryptableSecretException undecryptable) {
                failed++;
                LOG.log(Level.ERROR, "re-encryption skipped row {0}: {1}", lastId, undecryptable.getMessage());
            }
        }
    }

    private boolean moveRow(long id, String active) {
        // A failure inside rolls the transaction back, so the row keeps its old, still readable, sealing.
        return Storage.call("re-encrypting row " + id,
                () -> transactions.executeWrite(status -> moveLockedRow(id, active)));
    }

    private boolean moveLockedRow(long id, String active) {
        Optional<ConnectionRow> locked = rows.lock(id);
        if (locked.isEmpty()) {
            return false;
        }
        ConnectionRow row = locked.get();
        ConnectionKey key = ConnectionKey.of(row.tenant(), row.name());
        Optional<Sealed> clientSecret = reseal(key, Field.CLIENT_SECRET, row.clientSecretKeyId(), row.clientSecret(),
                active);
        Optional<Sealed> refreshToken = reseal(key, Field.REFRESH_TOKEN, row.refreshTokenKeyId(), row.refreshToken(),
                active);
        return rows.reseal(id, clientSecret.map(Sealed::keyId).orElse(null),
                clientSecret.map(Sealed::bytes).orElse(null), refreshToken.map(Sealed::keyId).orElse(null),
                refreshToken.map(Sealed::bytes).orElse(null), clock.instant()) == 1;
    }

    private Optional<Sealed> reseal(ConnectionKey key, Field field, String keyId, byte[] bytes, String active) {
        if (keyId == null) {
            return Optional.empty();
        }
        Sealed sealed = new Sealed(keyId, bytes);
        if (keyId.equals(active)) {
            return Optional.of(sealed);
        }
        AssociatedData binding = new AssociatedData(key, field);
        return Optional.of(binding.seal(cipher, binding.open(cipher, sealed)));
    }
}
