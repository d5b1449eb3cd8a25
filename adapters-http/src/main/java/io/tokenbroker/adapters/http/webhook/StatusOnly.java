package io.tokenbroker.adapters.http.webhook;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * A receiver's answer, read for its status alone: what a receiver says in the body means nothing to the broker, so
 * the body is dropped as it arrives, never kept. The attempt still ends only with the body's end (the exchange's
 * timeout counts it, and the connection is then reusable); a body longer than {@link #MAX_BODY_BYTES} fails the
 * attempt instead, closing its connection, so that a receiver cannot keep one busy with an endless answer. One
 * instance per exchange.
 */
final class StatusOnly implements AsyncResponseConsumer<Integer> {

    /** Far more than any acknowledgement needs. */
    static final int MAX_BODY_BYTES = 64 * 1024;

    private volatile FutureCallback<Integer> result;
    private volatile int status;
    private long bodyBytes;

    @Override
    public void consumeResponse(HttpResponse response, EntityDetails entityDetails, HttpContext context,
                                FutureCallback<Integer> resultCallback) {
        if (entityDetails == null) {
            resultCallback.completed(response.getCode());
            return;
        }
        status = response.getCode();
        result = resultCallback;
    }

    @Override
    public void informationResponse(HttpResponse response, HttpContext context) {
        // 1xx: the final answer follows.
    }

    @Override
    public void updateCapacity(CapacityChannel capacityChannel) throws IOException {
        capacityChannel.update(Integer.MAX_VALUE);
    }

    @Override
    public void consume(ByteBuffer src) throws IOException {
        bodyBytes += src.remaining();
        src.position(src.limit());
        if (bodyBytes > MAX_BODY_BYTES) {
            throw new IOException("the webhook receiver answered with a body over " + MAX_BODY_BYTES + " bytes");
        }
    }

    @Override
    public void streamEnd(List<? extends Header> trailers) {
        FutureCallback<Integer> callback = result;
        if (callback != null) {
            callback.completed(status);
        }
    }

    @Override
    public void failed(Exception cause) {
        FutureCallback<Integer> callback = result;
        if (callback != null) {
            callback.failed(cause);
        }
    }

    @Override
    public void releaseResources() {
        // nothing held
    }
}
