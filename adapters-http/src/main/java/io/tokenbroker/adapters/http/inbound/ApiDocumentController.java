package io.tokenbroker.adapters.http.inbound;

import io.micronaut.core.io.ResourceResolver;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * The API document (generated at compile time by micronaut-openapi) and a browsable page over it. Both are open to
 * anonymous callers through the security configuration's {@code intercept-url-map}, like the Swagger UI assets the
 * page loads from {@code /docs/assets} (a webjar, so the page works without internet).
 */
@Controller
@Tag(name = "documentation")
public class ApiDocumentController {

    static final String DOCUMENT = "classpath:META-INF/swagger/tokenbroker.yml";
    static final String PAGE = "classpath:tokenbroker-docs/index.html";
    static final String YAML = "application/yaml";

    private final byte[] document;
    private final byte[] page;

    public ApiDocumentController(ResourceResolver resources) {
        this.document = read(resources, DOCUMENT);
        this.page = read(resources, PAGE);
    }

    private static byte[] read(ResourceResolver resources, String path) {
        Optional<InputStream> found = resources.getResourceAsStream(path);
        if (found.isEmpty()) {
            throw new IllegalStateException(path + " is missing from the build");
        }
        try (InputStream in = found.get()) {
            return in.readAllBytes();
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
    }

    @Operation(operationId = "getApiDocument", summary = "This document", description = "No API key needed.")
    @ApiResponse(responseCode = "200", description = "The OpenAPI 3 document.",
            content = @Content(mediaType = YAML, schema = @Schema(type = "string")))
    @Get(uri = "/openapi.yml", produces = YAML)
    public HttpResponse<byte[]> document() {
        return HttpResponse.ok(document).contentType(YAML);
    }

    @Operation(operationId = "getApiDocumentPage", summary = "A browsable page over this document",
            description = "No API key needed; its assets come from this broker.")
    @ApiResponse(responseCode = "200", description = "Swagger UI.",
            content = @Content(mediaType = MediaType.TEXT_HTML, schema = @Schema(type = "string")))
    @Get(uri = "/docs", produces = MediaType.TEXT_HTML)
    public HttpResponse<byte[]> page() {
        return HttpResponse.ok(page).contentType(MediaType.TEXT_HTML_TYPE);
    }
}
