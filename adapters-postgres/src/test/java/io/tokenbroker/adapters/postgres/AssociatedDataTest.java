package io.tokenbroker.adapters.postgres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.tokenbroker.adapters.postgres.AssociatedData.Field;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class AssociatedDataTest {

    @Test
    void theSameBindingAlwaysGivesTheSameBytes() {
        assertArrayEquals(new AssociatedData(ConnectionKey.of("acme", "crm"), Field.REFRESH_TOKEN).bytes(),
                new AssociatedData(ConnectionKey.of("acme", "crm"), Field.REFRESH_TOKEN).bytes());
    }

    @Test
    void anotherTenantConnectionOrFieldGivesOtherBytes() {
        byte[] original = new AssociatedData(ConnectionKey.of("acme", "crm"), Field.REFRESH_TOKEN).bytes();
        assertFalse(Arrays.equals(original,
                new AssociatedData(ConnectionKey.of("other", "crm"), Field.REFRESH_TOKEN).bytes()));
        assertFalse(Arrays.equals(original,
                new AssociatedData(ConnectionKey.of("acme", "erp"), Field.REFRESH_TOKEN).bytes()));
        assertFalse(Arrays.equals(original,
                new AssociatedData(ConnectionKey.of("acme", "crm"), Field.CLIENT_SECRET).bytes()));
    }

    @Test
    void idsCannotBeShiftedAcrossTheSeparator() {
        // Without length prefixes "ab"+"c" and "a"+"bc" would join to the same text.
        assertFalse(Arrays.equals(new AssociatedData(ConnectionKey.of("ab", "c"), Field.CLIENT_SECRET).bytes(),
                new AssociatedData(ConnectionKey.of("a", "bc"), Field.CLIENT_SECRET).bytes()));
    }
}
