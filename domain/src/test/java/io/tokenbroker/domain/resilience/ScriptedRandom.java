package io.tokenbroker.domain.resilience;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;
import java.util.random.RandomGenerator;

/**
 * A {@link RandomGenerator} whose bounded draws a test decides, and which records every bound it was asked for.
 * Unbounded draws are refused so a change in how {@code Backoff} draws cannot go unnoticed.
 */
final class ScriptedRandom implements RandomGenerator {

    private final LongUnaryOperator pick;
    private final List<Long> bounds = new ArrayList<>();

    private ScriptedRandom(LongUnaryOperator pick) {
        this.pick = pick;
    }

    /** Always the largest value allowed: {@code bound - 1}. */
    static ScriptedRandom highest() {
        return new ScriptedRandom(bound -> bound - 1);
    }

    /** Always the smallest value allowed: zero. */
    static ScriptedRandom lowest() {
        return new ScriptedRandom(bound -> 0);
    }

    /** Always {@code bound / 2}. */
    static ScriptedRandom middle() {
        return new ScriptedRandom(bound -> bound / 2);
    }

    List<Long> bounds() {
        return List.copyOf(bounds);
    }

    @Override
    public long nextLong(long bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive");
        }
        bounds.add(bound);
        return pick.applyAsLong(bound);
    }

    @Override
    public long nextLong() {
        throw new UnsupportedOperationException("only bounded draws are scripted");
    }
}
