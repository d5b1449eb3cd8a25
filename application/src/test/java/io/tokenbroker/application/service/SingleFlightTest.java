package io.tokenbroker.application.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class SingleFlightTest {

    private final SingleFlight<String, String> flights = new SingleFlight<>();

    @Test
    void aCallerWaitingForTheLoadHasItsResultOnceLandedBeforeTheLoadFinishes() {
        CompletableFuture<String> joined = new CompletableFuture<>();

        flights.runTelling("k", landed -> {
            flights.running("k").orElseThrow().thenAccept(joined::complete);
            landed.accept("token");
            assertEquals("token", joined.getNow(null), "told before the rest of the load");
            return "token";
        });
    }

    @Test
    void aCallerArrivingAfterTheResultLandedStartsALoadOfItsOwn() {
        String first = flights.runTelling("k", landed -> {
            landed.accept("first");
            Optional<CompletionStage<String>> running = flights.running("k");
            assertTrue(running.isEmpty(), "a landed load is not joined");
            assertEquals("second", flights.run("k", () -> "second"));
            return "first";
        });

        assertEquals("first", first);
        assertTrue(flights.running("k").isEmpty());
    }
}
