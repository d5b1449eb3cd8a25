package io.tokenbroker.adapters.http.inbound;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tokenbroker.application.port.out.CheckpointSigner;

/**
 * The public key auditors pin. Anonymous, opened by the security configuration's {@code intercept-url-map} like the
 * API document: a public key proves nothing by itself, and must be public to be useful.
 */
@Controller
@Tag(name = "audit")
public class AuditKeyController {

    static final String PEM = "application/x-pem-file";

    private final CheckpointSigner signer;

    public AuditKeyController(CheckpointSigner signer) {
        this.signer = signer;
    }

    @Operation(operationId = "getAuditPublicKey", summary = "The Ed25519 public key that signs audit checkpoints",
            description = "No API key needed. PEM (X.509 SubjectPublicKeyInfo), its key id in `X-Key-Id`; 404 when "
                    + "the broker has no signing key and checkpoints are unsigned.")
    @ApiResponse(responseCode = "200", description = "The public key.",
            headers = {@Header(name = "X-Request-Id", ref = ApiDocument.REQUEST_ID),
                    @Header(name = "RateLimit-Limit", ref = ApiDocument.RATE_LIMIT_LIMIT),
                    @Header(name = "RateLimit-Remaining", ref = ApiDocument.RATE_LIMIT_REMAINING),
                    @Header(name = "RateLimit-Reset", ref = ApiDocument.RATE_LIMIT_RESET)},
            content = @Content(mediaType = PEM, schema = @Schema(type = "string")))
    @ApiResponse(responseCode = "404", description = "The broker has no audit signing key.")
    @Get(uri = "/v1/audit/public-key", produces = PEM)
    public HttpResponse<String> publicKey() {
        return signer.publicKeyPem().map(pem -> HttpResponse.ok(pem).header("X-Key-Id", signer.keyId().orElseThrow()))
                .orElseGet(HttpResponse::notFound);
    }
}
