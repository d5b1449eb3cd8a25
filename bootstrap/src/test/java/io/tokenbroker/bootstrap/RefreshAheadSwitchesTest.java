package io.tokenbroker.bootstrap;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.tokenbroker.application.port.in.GetAccessToken;
import io.tokenbroker.application.port.in.RefreshConnection;
import io.tokenbroker.application.port.in.RefreshDueConnections;
import io.tokenbroker.application.service.GetAccessTokenService;
import io.tokenbroker.application.service.ProactiveRefreshService;
import io.tokenbroker.bootstrap.health.SchedulerHealthIndicator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The two switches of refresh-ahead: the ticker alone (what the tests turn off, keeping the production object graph)
 * and the whole of it (an operator's choice).
 */
class RefreshAheadSwitchesTest {

    @Test
    void withTheTickerOffRequestsStillGoThroughTheDecoratorAndDueWorkCanBeRunByHand() {
        try (ApplicationContext context = ApplicationContext.run(Map.of(ProactiveRefreshTicker.ENABLED, false))) {
            assertInstanceOf(ProactiveRefreshService.class, context.getBean(GetAccessToken.class));
            assertInstanceOf(ProactiveRefreshService.class, context.getBean(RefreshConnection.class));
            assertTrue(context.containsBean(RefreshDueConnections.class));
            assertFalse(context.containsBean(ProactiveRefreshTicker.class));
            assertFalse(context.containsBean(SchedulerHealthIndicator.class));
        }
    }

    @Test
    void withTheTickerOnItAndItsHealthCheckRun() {
        try (ApplicationContext context = ApplicationContext.run(Map.of(ProactiveRefreshTicker.ENABLED, true))) {
            assertTrue(context.containsBean(ProactiveRefreshTicker.class));
            assertTrue(context.containsBean(SchedulerHealthIndicator.class));
        }
    }

    @Test
    void withTheSchedulerOffTheTokenServiceServesAloneAndNothingIsScheduled() {
        try (ApplicationContext context = ApplicationContext.run(Map.of("tokenbroker.scheduler.enabled", false,
                ProactiveRefreshTicker.ENABLED, true))) {
            assertInstanceOf(GetAccessTokenService.class, context.getBean(GetAccessToken.class));
            assertInstanceOf(GetAccessTokenService.class, context.getBean(RefreshConnection.class));
            assertFalse(context.containsBean(RefreshDueConnections.class));
            assertFalse(context.containsBean(ProactiveRefreshTicker.class));
            assertFalse(context.containsBean(SchedulerHealthIndicator.class));
        }
    }
}
