package io.tokenbroker.domain.token;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Builds unsigned JWTs ({@code alg: none}) for tests: base64url header and payload, empty signature. */
final class Jwt {

    static final String HEADER = "{\"alg\":\"none\",\"typ\":\"JWT\"}";

    private Jwt() {
    }

    static String unsigned(String payloadJson) {
        return unsigned(HEADER, payloadJson);
    }

    static String unsigned(String headerJson, String payloadJson) {
        return segment(headerJson) + "." + segment(payloadJson) + ".";
    }

    static String withExp(long expEpochSeconds) {
        return unsigned("{\"sub\":\"client-1\",\"exp\":" + expEpochSeconds + ",\"iss\":\"https://idp.example\"}");
    }

    static String segment(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
