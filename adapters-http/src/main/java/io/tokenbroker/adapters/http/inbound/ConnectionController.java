package io.tokenbroker.adapters.http.inbound;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.tokenbroker.application.port.in.FindConnection;
import io.tokenbroker.application.port.in.RemoveConnection;
import io.tokenbroker.application.port.in.SaveConnection;
import io.tokenbroker.domain.connection.Connection;
import io.tokenbroker.domain.connection.ConnectionKey;

/** Registers, shows and removes a tenant's connection. Secrets go in, never come out. */
@Controller("/v1/tenants/{tenant}/connections/{connection}")
@ExecuteOn(TaskExecutors.BLOCKING)
public class ConnectionController {

    private final SaveConnection saveConnection;
    private final FindConnection findConnection;
    private final RemoveConnection removeConnection;

    public ConnectionController(SaveConnection saveConnection, FindConnection findConnection,
                                RemoveConnection removeConnection) {
        this.saveConnection = saveConnection;
        this.findConnection = findConnection;
        this.removeConnection = removeConnection;
    }

    @Put(consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<ConnectionView> put(String tenant, String connection, @Body ConnectionRequest body) {
        Connection saved = body.toConnection(ConnectionKey.of(tenant, connection));
        boolean created = saveConnection.save(new SaveConnection.Command(saved));
        return HttpResponse.<ConnectionView>status(created ? HttpStatus.CREATED : HttpStatus.OK)
                .body(ConnectionView.of(new FindConnection.Found(saved, java.util.Optional.empty())));
    }

    @Get(produces = MediaType.APPLICATION_JSON)
    public ConnectionView get(String tenant, String connection) {
        return ConnectionView.of(findConnection.find(new FindConnection.Query(ConnectionKey.of(tenant, connection))));
    }

    @Delete
    public HttpResponse<Void> delete(String tenant, String connection) {
        removeConnection.remove(new RemoveConnection.Command(ConnectionKey.of(tenant, connection)));
        return HttpResponse.noContent();
    }
}
