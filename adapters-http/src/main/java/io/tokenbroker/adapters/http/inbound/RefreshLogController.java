package io.tokenbroker.adapters.http.inbound;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tokenbroker.adapters.http.inbound.security.TenantScoped;
import io.tokenbroker.application.port.in.ExportRefreshLog;
import io.tokenbroker.application.port.in.ReadRefreshHistory;
import io.tokenbroker.domain.audit.RefreshAttempt;
import io.tokenbroker.domain.audit.RefreshPage;
import io.tokenbroker.domain.audit.RefreshTotals;
import io.tokenbroker.domain.connection.ConnectionKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A connection's refresh history for auditors: JSON by default, CSV (RFC 4180, header row) when the caller accepts
 * {@code text/csv}. The CSV carries the page's rows only; the next cursor travels in a {@code Link} header and an
 * {@code X-Next-Cursor} header so a script can page through without parsing JSON. With {@code application/x-ndjson}
 * it exports the whole hash chain instead, for {@code verify-log} ({@link RefreshLogExport}).
 */
@TenantScoped
@Tag(name = "status")
@ProblemAnswers
@ApiResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
@Controller("/v1/tenants/{tenant}/connections/{connection}/refresh-log")
@ExecuteOn(TaskExecutors.BLOCKING)
public class RefreshLogController {

    static final String CSV = "text/csv";
    private static final int DEFAULT_LIMIT = 50;
    static final List<String> COLUMNS = List.of("started_at", "completed_at", "duration_ms", "trigger", "outcome",
            "attempt", "upstream_status", "error_code", "message", "fence");

    private final ReadRefreshHistory readHistory;
    private final ExportRefreshLog exportLog;
    private final JsonMapper json;

    public RefreshLogController(ReadRefreshHistory readHistory, ExportRefreshLog exportLog, JsonMapper json) {
        this.readHistory = readHistory;
        this.exportLog = exportLog;
        this.json = json;
    }

    @Operation(operationId = "getRefreshLog", summary = "The connection's refresh attempts, newest first",
            description = "Scope `logs:read`. JSON, or CSV when `Accept` names `text/csv` (then the next page is in "
                    + "`X-Next-Cursor` and `Link`). `limit` defaults to 50. With `Accept: application/x-ndjson` "
                    + "the whole hash chain instead (no paging): a `chain` line, a `link` line per row oldest first "
                    + "with its hashes, and the newest `checkpoint`, for `tokenbroker.jar verify-log`.")
    @ApiResponse(responseCode = "200", description = "A page of attempts with totals.",
            headers = {@Header(name = "X-Request-Id", ref = ApiDocument.REQUEST_ID),
                    @Header(name = "RateLimit-Limit", ref = ApiDocument.RATE_LIMIT_LIMIT),
                    @Header(name = "RateLimit-Remaining", ref = ApiDocument.RATE_LIMIT_REMAINING),
                    @Header(name = "RateLimit-Reset", ref = ApiDocument.RATE_LIMIT_RESET),
                    @Header(name = "X-Next-Cursor", description = "CSV only: the next page's cursor.",
                    schema = @Schema(type = "string")),
                    @Header(name = "Link", description = "CSV only: the next page.", schema = @Schema(type = "string"))},
            content = {@Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = HistoryView.class)),
                    @Content(mediaType = CSV, schema = @Schema(type = "string")),
                    @Content(mediaType = RefreshLogExport.NDJSON, schema = @Schema(type = "string"))})
    @Get(produces = {MediaType.APPLICATION_JSON, CSV, RefreshLogExport.NDJSON})
    @Secured("logs:read")
    public HttpResponse<?> history(String tenant, String connection, @Nullable @QueryValue Integer limit,
                                   @Nullable @QueryValue String cursor,
                                   HttpRequest<?> request) {
        // Read from the request rather than bound with @Header: Accept is content negotiation, not an API parameter.
        String accept = request.getHeaders().get(HttpHeaders.ACCEPT);
        ConnectionKey key = ConnectionKey.of(tenant, connection);
        if (accept != null && accept.toLowerCase(Locale.ROOT).contains(RefreshLogExport.NDJSON)) {
            return HttpResponse.ok(RefreshLogExport.write(exportLog.export(key), json))
                    .contentType(RefreshLogExport.NDJSON + "; charset=utf-8").header("Cache-Control", "no-store");
        }
        ReadRefreshHistory.History history = readHistory.history(new ReadRefreshHistory.Query(key,
                toCursor(cursor), Cursors.limit(limit, DEFAULT_LIMIT, ReadRefreshHistory.Query.MAX_LIMIT)));
        Optional<String> next = history.page().next().map(RefreshLogController::ofCursor);
        if (wantsCsv(accept)) {
            MutableHttpResponse<String> csv = HttpResponse.ok(csv(history.page().attempts()))
                    .contentType(CSV + "; charset=utf-8")
                    .header("Cache-Control", "no-store");
            next.ifPresent(position -> csv.header("X-Next-Cursor", position)
                    .header(HttpHeaders.LINK, "<?limit=" + history.page().attempts().size() + "&cursor=" + position
                            + ">; rel=\"next\""));
            return csv;
        }
        return HttpResponse.ok(new HistoryView(history.page().attempts().stream().map(Row::of).toList(),
                Totals.of(history.totals()), next.orElse(null))).header("Cache-Control", "no-store");
    }

    /** CSV only when asked for by name: a browser's {@code *}{@code /*} keeps JSON. */
    private static boolean wantsCsv(String accept) {
        return accept != null && accept.toLowerCase(Locale.ROOT).contains(CSV);
    }

    private static String ofCursor(RefreshPage.Cursor cursor) {
        return Cursors.encode(cursor.startedAt().getEpochSecond() + "." + cursor.startedAt().getNano() + ":"
                + cursor.sequence());
    }

    private static Optional<RefreshPage.Cursor> toCursor(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return Optional.empty();
        }
        String position = Cursors.decode(cursor);
        try {
            int dot = position.indexOf('.');
            int colon = position.indexOf(':');
            return Optional.of(new RefreshPage.Cursor(
                    Instant.ofEpochSecond(Long.parseLong(position.substring(0, dot)),
                            Long.parseLong(position.substring(dot + 1, colon))),
                    Long.parseLong(position.substring(colon + 1))));
        } catch (RuntimeException malformed) {
            throw new InvalidRequestException("cursor is not one this service handed out");
        }
    }

    static String csv(List<RefreshAttempt> attempts) {
        StringBuilder out = new StringBuilder(String.join(",", COLUMNS)).append("\r\n");
        for (RefreshAttempt attempt : attempts) {
            Row row = Row.of(attempt);
            List<String> cells = List.of(row.startedAt(), row.completedAt(), Long.toString(row.durationMs()),
                    row.trigger(), row.outcome(), Integer.toString(row.attempt()),
                    row.upstreamStatus() == null ? "" : row.upstreamStatus().toString(),
                    row.errorCode() == null ? "" : row.errorCode(), row.message() == null ? "" : row.message(),
                    Long.toString(row.fence()));
            out.append(String.join(",", cells.stream().map(RefreshLogController::cell).toList())).append("\r\n");
        }
        return out.toString();
    }

    // Quote when needed, double inner quotes; a leading =,+,-,@ is prefixed with ' so a spreadsheet never runs an
    // upstream-supplied message as a formula.
    private static String cell(String value) {
        String safe = !value.isEmpty() && "=+-@".indexOf(value.charAt(0)) >= 0 && !value.matches("-?\\d+")
                ? "'" + value : value;
        if (safe.contains(",") || safe.contains("\"") || safe.contains("\n") || safe.contains("\r")) {
            return "\"" + safe.replace("\"", "\"\"") + "\"";
        }
        return safe;
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record HistoryView(List<Row> attempts, Totals totals, @JsonProperty("next_cursor") @Nullable String nextCursor) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Row(@JsonProperty("started_at") String startedAt,
                      @JsonProperty("completed_at") String completedAt,
                      @JsonProperty("duration_ms") long durationMs,
                      String trigger, String outcome, int attempt,
                      @JsonProperty("upstream_status") @Nullable Integer upstreamStatus,
                      @JsonProperty("error_code") @Nullable String errorCode,
                      @Nullable String message, long fence) {

        static Row of(RefreshAttempt attempt) {
            return new Row(attempt.startedAt().toString(), attempt.completedAt().toString(),
                    attempt.duration().toMillis(), StatusView.word(attempt.trigger()),
                    StatusView.word(attempt.outcome()), attempt.attempt(),
                    attempt.upstreamStatus().isPresent() ? attempt.upstreamStatus().getAsInt() : null,
                    attempt.errorCode().orElse(null), attempt.message().orElse(null), attempt.fence());
        }
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Totals(long attempts, long successes, long failures,
                         @JsonProperty("average_duration_ms") @Nullable Long averageDurationMs) {

        static Totals of(RefreshTotals totals) {
            return new Totals(totals.attempts(), totals.successes(), totals.failures(),
                    totals.averageDuration().map(Duration::toMillis).orElse(null));
        }
    }
}
