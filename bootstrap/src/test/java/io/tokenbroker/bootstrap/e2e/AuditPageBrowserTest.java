package io.tokenbroker.bootstrap.e2e;

import static io.tokenbroker.bootstrap.e2e.BrokerClient.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxUpstream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The audit page ({@code GET /ui}) in a real browser against the whole broker: key entry, the overview, a
 * connection's timeline and paged log, the CSV download, and a refused key. One browser for the class (starting
 * Chromium is the slow part); every test opens the page afresh with an empty session storage. A screenshot of each
 * page lands in {@code target/screenshots}.
 */
@Tag("browser")
class AuditPageBrowserTest {

    private static final String CLIENT_ID = "audit-client";
    private static final String CLIENT_SECRET = "audit-secret-never-shown";
    private static final int MANUAL_REFRESHES = 30;

    private static EmbeddedServer server;
    private static SandboxUpstream upstream;
    private static HeadlessChromium chromium;
    private static ChromeDriver browser;
    private static BrokerClient admin;
    private static String auditorKey;

    @BeforeAll
    static void start() throws IOException {
        if (!HeadlessChromium.installed()) {
            return;
        }
        server = ApplicationContext.run(EmbeddedServer.class,
                Map.of("tokenbroker.upstream.resilience.min-interval", "0s"), "test");
        upstream = SandboxUpstream.start(0, CLIENT_ID, CLIENT_SECRET, Duration.ofSeconds(600));
        admin = new BrokerClient(server.getURI());
        seed();
        auditorKey = issueKey("[\"logs:read\"]");
        chromium = HeadlessChromium.start();
        browser = chromium.driver();
    }

    /** audit/crm healthy with 31 attempts, audit/billing failing (a refused secret), audit/idle never fetched. */
    private static void seed() {
        register("crm", CLIENT_SECRET);
        assertEquals(200, admin.get("/v1/tenants/audit/connections/crm/token").statusCode());
        for (int i = 0; i < MANUAL_REFRESHES; i++) {
            assertEquals(200, admin.post("/v1/tenants/audit/connections/crm/refresh", null).statusCode());
        }
        register("billing", "wrong-secret");
        assertEquals(502, admin.get("/v1/tenants/audit/connections/billing/token").statusCode());
        register("idle", CLIENT_SECRET);
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (server != null) {
            server.getApplicationContext().close();
        }
    }

    /** Each test rather than the class: surefire reports a skipped test with its reason, a skipped class with none. */
    @BeforeEach
    void needsChromium() {
        assumeTrue(HeadlessChromium.installed(), "the browser tests need Debian's chromium and chromium-driver ("
                + HeadlessChromium.BROWSER + ", " + HeadlessChromium.DRIVER
                + "): apt-get install -y chromium chromium-driver");
    }

    @AfterEach
    void noPolicyViolations() {
        if (chromium == null) {
            return;
        }
        List<String> violations = chromium.console().stream()
                .filter(line -> line.contains("Content Security Policy") || line.contains("Uncaught")).toList();
        assertEquals(List.of(), violations, "the page runs under its policy without errors");
    }

    @Test
    void aPastedKeyOpensTheOverviewWithCountsAndEveryConnection() {
        openWith(auditorKey);
        waitFor(By.cssSelector("#connections tbody tr"));

        assertEquals(Map.of("total", "3", "healthy", "1", "expiring", "0", "expired", "1", "failing", "1",
                "needs_reauth", "0"), summary());
        WebElement crm = connectionRow("crm");
        assertEquals("healthy", cells(crm).get(2));
        String countdown = cells(crm).get(3);
        assertTrue(countdown.matches("\\d+m \\d+s"), "a countdown: " + countdown);
        new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(driver -> !cells(connectionRow("crm")).get(3).equals(countdown));
        assertEquals("closed", cells(crm).get(4));
        assertTrue(cells(crm).get(5).endsWith("· success (manual)"), cells(crm).get(5));
        assertEquals("failing", cells(connectionRow("billing")).get(2));
        assertEquals("never", cells(connectionRow("idle")).get(5));
        assertEquals(auditorKey, browser.executeScript("return sessionStorage.getItem('tokenbroker.apiKey')"));
        assertFalse(browser.getCurrentUrl().contains(auditorKey), "the key is never in the URL");
        assertEquals(0, browser.manage().getCookies().size(), "nor in a cookie");
        assertFalse(browser.getPageSource().contains(CLIENT_SECRET), "no secret reaches the page");
        chromium.screenshot("overview");
    }

    @Test
    void aConnectionShowsItsTimelineItsLogPageByPageAndItsVerification() {
        openWith(auditorKey);
        waitFor(By.linkText("crm")).click();
        waitForText(By.id("timeline-caption"), "All 31 attempts.");

        assertEquals(List.of("success:31"), browser.executeScript("return Chart.getChart("
                + "document.getElementById('timeline')).data.datasets.map(d => d.label + ':' + d.data.length)"));
        assertEquals(25, logRows().size(), "the first page");
        assertEquals(List.of("manual", "success"), cells(logRows().get(0)).subList(2, 4));
        assertTrue(text(By.id("totals")).startsWith("31 attempts: 31 succeeded, 0 failed"), text(By.id("totals")));
        String badge = waitForBadge();
        assertTrue(badge.equals("Chain verification is not available on this broker.")
                || badge.startsWith("Chain verified: 31 rows"), badge);
        chromium.screenshot("connection");

        browser.findElement(By.id("older")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(driver -> logRows().size() == 6);
        assertEquals(List.of("request", "success"), cells(logRows().get(5)).subList(2, 4), "the oldest attempt");
        assertTrue(browser.findElement(By.id("older")).getAttribute("disabled") != null);
        browser.findElement(By.id("newer")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(driver -> logRows().size() == 25);

        browser.navigate().to(server.getURI() + "/ui#/connections/audit/billing");
        waitForText(By.id("timeline-caption"), "All 1 attempt.");
        assertEquals(List.of("failure:1"), browser.executeScript("return Chart.getChart("
                + "document.getElementById('timeline')).data.datasets.map(d => d.label + ':' + d.data.length)"));
        assertEquals("failure", cells(logRows().get(0)).get(3));
        assertFalse(cells(logRows().get(0)).get(6).equals("—"), "the failure's error code is shown");
        chromium.screenshot("connection-failing");
    }

    @Test
    void theCsvDownloadSavesTheWholeLogAsTheApiServesIt() throws IOException {
        openWith(auditorKey);
        waitFor(By.linkText("crm")).click();
        waitFor(By.cssSelector("#log tbody tr"));

        browser.findElement(By.id("download-csv")).click();
        waitForText(By.id("download-status"), "Saved refresh-log-audit-crm.csv");
        Path saved = chromium.downloads().resolve("refresh-log-audit-crm.csv");
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(driver -> Files.exists(saved));

        HttpResponse<String> served = admin.as(auditorKey)
                .get("/v1/tenants/audit/connections/crm/refresh-log?limit=1000", "text/csv");
        assertEquals(served.body(), Files.readString(saved));
        assertEquals(1 + 31, Files.readString(saved).split("\r\n").length, "the header and every attempt");
        chromium.screenshot("download");

        browser.findElement(By.id("download-ndjson")).click();
        String ndjson = new WebDriverWait(browser, Duration.ofSeconds(15)).until(driver -> {
            String status = text(By.id("download-status"));
            return status.startsWith("Preparing") || status.startsWith("Saved refresh-log-audit-crm.csv") ? null : status;
        });
        // Before the hash-chain export exists the broker answers 406, and the page says so instead of saving JSON.
        assertTrue(ndjson.equals("NDJSON export is not available on this broker.")
                || ndjson.equals("Saved refresh-log-audit-crm.jsonl"), ndjson);
    }

    @Test
    void aWrongKeyIsToldPlainlyAndTheKeyFormComesBack() {
        openWith("tbk_notakey000000000_ThisKeyWasNeverIssuedByThisBrokerAtAllNoNoNoNoNo");

        String message = waitForText(By.id("message"), "did not accept this API key (401)");
        assertTrue(browser.findElement(By.id("api-key")).isDisplayed(), "the key form is back");
        assertFalse(browser.findElement(By.id("overview-view")).isDisplayed());
        assertNull(browser.executeScript("return sessionStorage.getItem('tokenbroker.apiKey')"), message);
        chromium.screenshot("wrong-key");
    }

    @Test
    void aKeyWithoutLogsReadSeesTheOverviewButIsToldWhatTheLogNeeds() {
        openWith(issueKey("[\"token:read\"]"));
        waitFor(By.linkText("crm")).click();

        waitForText(By.id("message"), "needs the logs:read scope");
        chromium.screenshot("missing-scope");
    }

    /** Opens /ui with an empty session storage and pastes the key into the form. */
    private static void openWith(String key) {
        browser.navigate().to(server.getURI() + "/ui");
        browser.executeScript("sessionStorage.clear(); window.history.replaceState(null, '', '/ui');");
        browser.navigate().refresh();
        waitFor(By.id("api-key")).sendKeys(key);
        browser.findElement(By.id("open")).click();
    }

    private static WebElement waitFor(By locator) {
        return new WebDriverWait(browser, Duration.ofSeconds(15))
                .until(ExpectedConditions.visibilityOfElementLocated(locator));
    }

    private static String waitForText(By locator, String part) {
        new WebDriverWait(browser, Duration.ofSeconds(15))
                .until(ExpectedConditions.textToBePresentInElementLocated(locator, part));
        return text(locator);
    }

    private static String waitForBadge() {
        return new WebDriverWait(browser, Duration.ofSeconds(15)).until(driver -> {
            String badge = text(By.id("verification"));
            return badge.startsWith("Verifying") || badge.isEmpty() ? null : badge;
        });
    }

    private static String text(By locator) {
        return browser.findElement(locator).getText();
    }

    private static Map<String, String> summary() {
        Map<String, String> counts = new TreeMap<>();
        for (WebElement item : browser.findElements(By.cssSelector("#summary li"))) {
            counts.put(item.getAttribute("class").replace("summary-", ""),
                    item.findElement(By.className("count")).getText());
        }
        return counts;
    }

    private static WebElement connectionRow(String connection) {
        return browser.findElements(By.cssSelector("#connections tbody tr")).stream()
                .filter(row -> cells(row).get(1).equals(connection)).findFirst().orElseThrow();
    }

    private static List<WebElement> logRows() {
        return browser.findElements(By.cssSelector("#log tbody tr"));
    }

    private static List<String> cells(WebElement row) {
        return row.findElements(By.tagName("td")).stream().map(WebElement::getText).toList();
    }

    private static void register(String connection, String secret) {
        HttpResponse<String> response = admin.put("/v1/tenants/audit/connections/" + connection,
                "{\"provider\":\"oauth2\",\"token_url\":\"" + upstream.tokenUrl() + "\",\"client_id\":\"" + CLIENT_ID
                        + "\",\"client_secret\":\"" + secret + "\"}");
        assertTrue(response.statusCode() == 201 || response.statusCode() == 200, response.body());
    }

    private static String issueKey(String scopes) {
        HttpResponse<String> created = admin.post("/v1/api-keys",
                "{\"name\":\"auditor\",\"scopes\":" + scopes + ",\"tenants\":[\"audit\"]}");
        assertEquals(201, created.statusCode(), created.body());
        return (String) body(created).get("key");
    }
}
