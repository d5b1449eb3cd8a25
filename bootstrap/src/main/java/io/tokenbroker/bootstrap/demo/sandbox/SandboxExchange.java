package io.tokenbroker.bootstrap.demo.sandbox;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** One request the sandbox answers and the answer it gives, free of the server library. */
final class SandboxExchange {

    private SandboxExchange() {
    }

    /** @param uri the request target as sent: path and query */
    record Request(String method, String uri, Function<String, String> headers, String body) {

        Optional<String> header(String name) {
            return Optional.ofNullable(headers.apply(name));
        }

        boolean isPost() {
            return "POST".equals(method);
        }
    }

    /** @param body serialised as JSON */
    record Response(int status, Object body, Map<String, String> headers) {

        static Response json(int status, Object body) {
            return new Response(status, body, Map.of());
        }

        static Response error(int status, String error) {
            return json(status, new SandboxJson.ErrorBody(error));
        }

        Response withHeader(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Response(status, body, Map.copyOf(more));
        }
    }
}
