package io.tokenbroker.archfixture.adapters.postgres;

import io.tokenbroker.archfixture.application.inmemory.InMemoryTokens;

/** Broken on purpose: an adapter leaning on an in-memory adapter. */
public class PostgresAdapterUsingInMemory {
    InMemoryTokens fallback;
}
