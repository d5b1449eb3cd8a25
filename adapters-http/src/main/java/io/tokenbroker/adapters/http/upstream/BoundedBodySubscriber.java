package io.tokenbroker.adapters.http.upstream;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a response body into bytes, keeping at most {@code limit + 1} of them: a body longer than the limit
 * completes early with {@code limit + 1} bytes (so the caller can tell it was too long) and the rest is not read.
 *
 * <p>It never blocks, and must not: the token endpoint's client runs on a direct executor, so this subscriber is
 * called on the client's selector thread, which every upstream exchange of the broker shares. (JDK 17 has no
 * limiting body handler; {@code BodyHandlers.limiting} came with a later release.)
 */
final class BoundedBodySubscriber implements HttpResponse.BodySubscriber<byte[]> {

    private final int limit;
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private final ByteArrayOutputStream collected = new ByteArrayOutputStream();
    private Flow.Subscription subscription;

    private BoundedBodySubscriber(int limit) {
        this.limit = limit;
    }

    /** A handler whose every body is bounded so; the status and headers do not change how a body is read. */
    static HttpResponse.BodyHandler<byte[]> handler(int limit) {
        return responseInfo -> new BoundedBodySubscriber(limit);
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        for (ByteBuffer buffer : buffers) {
            if (body.isDone()) {
                return; // buffers already in flight when the subscription was cancelled
            }
            int room = limit + 1 - collected.size();
            int take = Math.min(room, buffer.remaining());
            byte[] chunk = new byte[take];
            buffer.get(chunk);
            collected.write(chunk, 0, take);
            if (collected.size() > limit) {
                subscription.cancel();
                body.complete(collected.toByteArray());
            }
        }
    }

    @Override
    public void onError(Throwable failure) {
        body.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
        body.complete(collected.toByteArray());
    }
}
