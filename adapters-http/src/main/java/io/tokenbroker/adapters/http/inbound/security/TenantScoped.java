package io.tokenbroker.adapters.http.inbound.security;

import io.micronaut.aop.Around;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Puts a controller's routes under the tenant policy ({@link TenantAccess}): a route whose path names a
 * {@code {tenant}} answers a caller whose key is not scoped to it as if the connection did not exist.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Around
public @interface TenantScoped {
}
