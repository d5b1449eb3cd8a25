package io.tokenbroker.archfixture.adapters.http;

import io.tokenbroker.archfixture.application.service.ServiceWithItsOwnInterface;

/** Broken on purpose: an adapter calling a service instead of its in-port. */
public class HttpAdapterUsingAService {
    ServiceWithItsOwnInterface service;
}
