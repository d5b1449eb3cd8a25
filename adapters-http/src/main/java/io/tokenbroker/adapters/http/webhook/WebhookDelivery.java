package io.tokenbroker.adapters.http.webhook;

import io.tokenbroker.domain.connection.ConnectionEvent;

/** One event on its way to one receiver: the body is fixed, the signature is made per attempt. */
record WebhookDelivery(ConnectionEvent event, byte[] body, int attempt) {

    WebhookDelivery next() {
        return new WebhookDelivery(event, body, attempt + 1);
    }
}
