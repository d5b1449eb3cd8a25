package io.tokenbroker.domain.audit;

import io.tokenbroker.domain.connection.ConnectionKey;
import java.util.Objects;

/**
 * Where a connection's chain stands in a store: the first link it still holds ({@code fromSeq}, whose previous hash
 * is {@code fromPrevHash}: {@link ChainLink#GENESIS} until retention cuts the chain) and its newest link. An empty
 * chain has {@code seq == fromSeq - 1} and {@code hash == fromPrevHash}.
 */
public record ChainHead(ConnectionKey connection, long fromSeq, String fromPrevHash, long seq, String hash) {

    public ChainHead {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(fromPrevHash, "fromPrevHash");
        Objects.requireNonNull(hash, "hash");
        if (fromSeq < 1 || seq < fromSeq - 1) {
            throw new IllegalArgumentException("a chain starts at 1 or later and ends no earlier than it starts");
        }
    }

    /** A chain nothing was appended to yet. */
    public static ChainHead empty(ConnectionKey connection) {
        return new ChainHead(connection, 1, ChainLink.GENESIS, 0, ChainLink.GENESIS);
    }

    /** This chain after {@code link} was appended to it. */
    public ChainHead after(ChainLink link) {
        return new ChainHead(connection, fromSeq, fromPrevHash, link.seq(), link.hash());
    }

    /** How many links the store holds. */
    public long links() {
        return seq - fromSeq + 1;
    }
}
