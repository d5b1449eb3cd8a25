package io.tokenbroker.adapters.redis;

import io.tokenbroker.application.port.out.LockManager.Lease;
import io.tokenbroker.domain.connection.ConnectionKey;

/**
 * A lease {@link RedisLockManager} granted while Redis was down: the {@code whenDown} lock manager's, held inside this
 * process's lease; closing it closes both, the inner one first.
 */
record FallbackLease(Lease inProcess, Lease granted) implements Lease {

    @Override
    public ConnectionKey key() {
        return inProcess.key();
    }

    @Override
    public long fence() {
        return granted.fence();
    }

    @Override
    public void close() {
        try {
            granted.close();
        } finally {
            inProcess.close();
        }
    }
}
