package io.tokenbroker.archfixture.application.service;

/** Broken on purpose: a top-level interface among the services. */
public interface StrayInterface {
}
