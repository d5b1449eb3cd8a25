package io.tokenbroker.bootstrap.demo.sandbox;

import io.micronaut.json.JsonMapper;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxExchange.Request;
import io.tokenbroker.bootstrap.demo.sandbox.SandboxExchange.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Routes each request to its endpoint and writes the answer as JSON. A token path first counts the request, then
 * waits out an admin hold (parked, answered 503 on release), then takes as long as the configured delay (scheduled,
 * so the event loop never sleeps), then answers the running fault if there is one, and only then does its work.
 */
@ChannelHandler.Sharable
final class SandboxHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private final Map<String, Function<Request, Response>> tokenPaths;
    private final Map<String, Function<Request, Response>> adminPaths;
    private final SandboxState state;
    private final JsonMapper json;

    SandboxHandler(Map<String, Function<Request, Response>> tokenPaths,
                   Map<String, Function<Request, Response>> adminPaths, SandboxState state, JsonMapper json) {
        this.tokenPaths = Map.copyOf(tokenPaths);
        this.adminPaths = Map.copyOf(adminPaths);
        this.state = state;
        this.json = json;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext context, FullHttpRequest message) {
        String path = new QueryStringDecoder(message.uri()).path();
        Request request = new Request(message.method().name(), message.uri(), message.headers()::get,
                message.content().toString(StandardCharsets.UTF_8));
        boolean keepAlive = HttpUtil.isKeepAlive(message);
        Function<Request, Response> tokenPath = tokenPaths.get(path);
        if (tokenPath == null) {
            Function<Request, Response> admin = adminPaths.getOrDefault(path,
                    any -> Response.error(404, "not_found"));
            write(context, admin.apply(request), keepAlive);
            return;
        }
        state.countTokenRequest();
        if (!state.hold().enter(() -> context.executor().execute(() -> write(context,
                Response.error(503, "temporarily_unavailable"), keepAlive)))) {
            return;
        }
        long millis = state.responseDelay().toMillis();
        if (millis > 0) {
            context.executor().schedule(() -> answer(context, tokenPath, request, keepAlive),
                    millis, TimeUnit.MILLISECONDS);
        } else {
            answer(context, tokenPath, request, keepAlive);
        }
    }

    private void answer(ChannelHandlerContext context, Function<Request, Response> tokenPath, Request request,
                        boolean keepAlive) {
        try {
            write(context, answer(tokenPath, request), keepAlive);
        } finally {
            state.hold().answered();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        context.close();
    }

    private Response answer(Function<Request, Response> tokenPath, Request request) {
        return state.answerFault().map(SandboxHandler::faultResponse).orElseGet(() -> tokenPath.apply(request));
    }

    private static Response faultResponse(SandboxState.Fault fault) {
        Response response = Response.error(fault.status(),
                fault.status() == 429 ? "slow_down" : "temporarily_unavailable");
        return fault.retryAfter().map(wait -> response.withHeader("Retry-After", Long.toString(wait.toSeconds())))
                .orElse(response);
    }

    private void write(ChannelHandlerContext context, Response response, boolean keepAlive) {
        byte[] body;
        try {
            body = json.writeValueAsBytes(response.body());
        } catch (IOException notSerialisable) {
            context.close();
            return;
        }
        FullHttpResponse http = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(response.status()), Unpooled.wrappedBuffer(body));
        http.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        response.headers().forEach(http.headers()::set);
        HttpUtil.setKeepAlive(http, keepAlive);
        context.writeAndFlush(http);
    }
}
