package io.tokenbroker.adapters.http.inbound;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;

/**
 * The small pages a browser sees in the connect flow. Fixed texts only: nothing from the request, the provider or
 * the store is echoed, so a page can neither leak a value nor be made to show an attacker's words.
 */
final class ConsentPages {

    private ConsentPages() {
    }

    static MutableHttpResponse<String> page(HttpStatus status, String title, String message) {
        String html = """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">
                <title>%s</title></head>
                <body style="font-family:sans-serif;max-width:36em;margin:4em auto"><h1>%s</h1><p>%s</p></body></html>
                """.formatted(title, title, message);
        return HttpResponse.<String>status(status).contentType(MediaType.TEXT_HTML_TYPE.toString() + ";charset=utf-8")
                .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'").body(html);
    }

    static MutableHttpResponse<String> unknownLink() {
        return page(HttpStatus.NOT_FOUND, "Link not found",
                "This connect link is unknown. Ask the application that sent it for a new one.");
    }

    static MutableHttpResponse<String> expiredLink() {
        return page(HttpStatus.GONE, "Link expired", "This connect link has expired. Ask for a new one.");
    }

    static MutableHttpResponse<String> completedLink() {
        return page(HttpStatus.GONE, "Link already used",
                "This connect link was used already; a link connects once. Ask for a new one if needed.");
    }

    static MutableHttpResponse<String> unknownState() {
        return page(HttpStatus.BAD_REQUEST, "Unknown sign-in",
                "This sign-in is unknown or too old. Start again from a new connect link.");
    }

    static MutableHttpResponse<String> otherBrowser() {
        return page(HttpStatus.BAD_REQUEST, "Different browser",
                "This sign-in was started in another browser (or its cookie is gone). Finish it where it started, "
                        + "or start again from a new connect link.");
    }

    static MutableHttpResponse<String> connected() {
        return page(HttpStatus.OK, "Connected", "The connection is ready. You can close this window.");
    }

    /** @param error a code from a fixed set (RFC 6749 or the broker's own); never provider text */
    static MutableHttpResponse<String> notConnected(String error) {
        return page(HttpStatus.OK, "Not connected", "The connection was not completed (" + error
                + "). You can close this window and start again from a new connect link.");
    }

    static MutableHttpResponse<String> unavailable() {
        return page(HttpStatus.SERVICE_UNAVAILABLE, "Try again shortly",
                "The service cannot complete this step right now. Please try again in a minute.");
    }
}
