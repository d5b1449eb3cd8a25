package io.tokenbroker.bootstrap.demo.sandbox;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxExchange.Request;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxExchange.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An authorize endpoint whose user always consents: {@code GET /oauth/authorize} checks the request as a provider
 * would (response type, client, redirect URI, PKCE {@code S256} with a challenge, a state) and redirects straight
 * back with a code bound to the challenge and redirect URI; the token endpoint redeems it once, with the verifier.
 */
final class ConsentEndpoint {

    private final SandboxState state;
    private final String clientId;

    ConsentEndpoint(SandboxState state, String clientId) {
        this.state = state;
        this.clientId = clientId;
    }

    Response authorize(Request request) {
        Map<String, List<String>> query = new QueryStringDecoder(request.uri(), StandardCharsets.UTF_8).parameters();
        Optional<String> redirectUri = first(query, "redirect_uri").filter(uri -> uri.startsWith("http"));
        Optional<String> challenge = first(query, "code_challenge").filter(value -> value.length() >= 43);
        Optional<String> stateValue = first(query, "state");
        if (!"GET".equals(request.method()) || redirectUri.isEmpty() || stateValue.isEmpty()) {
            return Response.error(400, "invalid_request");
        }
        String error = !first(query, "response_type").equals(Optional.of("code")) ? "unsupported_response_type"
                : !first(query, "client_id").equals(Optional.of(clientId)) ? "unauthorized_client"
                : challenge.isEmpty() || !first(query, "code_challenge_method").equals(Optional.of("S256"))
                ? "invalid_request" : null;
        String back = error != null ? "error=" + error
                : "code=" + state.issueCode(new SandboxState.Consent(challenge.get(), redirectUri.get()));
        String location = redirectUri.get() + (redirectUri.get().contains("?") ? "&" : "?") + back + "&state="
                + URLEncoder.encode(stateValue.get(), StandardCharsets.UTF_8);
        return Response.json(302, Map.of()).withHeader("Location", location);
    }

    /** The token endpoint's check of an {@code authorization_code} grant's form. */
    static boolean redeem(SandboxState state, Map<String, String> form) {
        Optional<SandboxState.Consent> consent = state.redeemCode(form.getOrDefault("code", ""));
        String verifier = form.getOrDefault("code_verifier", "");
        return consent.isPresent() && consent.get().redirectUri().equals(form.get("redirect_uri"))
                && consent.get().challenge().equals(s256(verifier));
    }

    private static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every JVM provides SHA-256", impossible);
        }
    }

    private static Optional<String> first(Map<String, List<String>> query, String name) {
        return Optional.ofNullable(query.get(name)).filter(values -> !values.isEmpty()).map(values -> values.get(0));
    }
}
