package io.tokenbroker.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The API document's page ({@code GET /docs}) in a real browser: Swagger UI starts from its own script file under a
 * policy that refuses inline code, and draws the broker's operations from {@code /openapi.yml}.
 */
@Tag("browser")
class ApiDocumentPageBrowserTest {

    private static EmbeddedServer server;
    private static HeadlessChromium chromium;

    @BeforeAll
    static void start() throws IOException {
        if (HeadlessChromium.installed()) {
            server = ApplicationContext.run(EmbeddedServer.class, "test");
            chromium = HeadlessChromium.start();
        }
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (server != null) {
            server.getApplicationContext().close();
        }
    }

    @Test
    void theOperationsAreDrawnWithoutAnyPolicyViolation() {
        assumeTrue(HeadlessChromium.installed(), "needs Debian's chromium and chromium-driver");
        chromium.driver().get(server.getURI().resolve("/docs").toString());

        List<WebElement> operations = new WebDriverWait(chromium.driver(), Duration.ofSeconds(20)).until(
                ExpectedConditions.numberOfElementsToBeMoreThan(By.cssSelector(".opblock-summary-path"), 10));
        assertTrue(operations.stream().anyMatch(path -> path.getText()
                .contains("/v1/tenants/{tenant}/connections/{connection}/token")), "the token operation is listed");
        chromium.screenshot("api-docs");
        List<String> violations = chromium.console().stream()
                .filter(line -> line.contains("Content Security Policy") || line.contains("Uncaught")).toList();
        assertEquals(List.of(), violations, "the page runs under its policy without errors");
    }
}
