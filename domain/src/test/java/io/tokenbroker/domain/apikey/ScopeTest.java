package io.tokenbroker.domain.apikey;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScopeTest {

    @Test
    void adminImpliesEveryScope() {
        assertEquals(EnumSet.allOf(Scope.class), Scope.grantedBy(Set.of(Scope.ADMIN)));
    }

    @Test
    void anyOtherScopeGrantsOnlyItself() {
        assertEquals(Set.of(Scope.TOKEN_READ, Scope.LOGS_READ),
                Scope.grantedBy(Set.of(Scope.TOKEN_READ, Scope.LOGS_READ)));
    }
}
