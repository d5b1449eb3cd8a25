package io.tokenbroker.adapters.http.inbound;

import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * For the API document: the controller's operations need an API key (either way of presenting it) and may answer
 * the problems every authenticated route can (bad input, no or wrong key, missing scope, rate limit, a bug).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@SecurityRequirement(name = ApiDocument.API_KEY)
@SecurityRequirement(name = ApiDocument.BEARER)
@ApiResponse(responseCode = "400", ref = ApiDocument.BAD_REQUEST)
@ApiResponse(responseCode = "401", ref = ApiDocument.UNAUTHORIZED)
@ApiResponse(responseCode = "403", ref = ApiDocument.FORBIDDEN)
@ApiResponse(responseCode = "429", ref = ApiDocument.TOO_MANY_REQUESTS)
@ApiResponse(responseCode = "500", ref = ApiDocument.INTERNAL_ERROR)
@interface ProblemAnswers {
}
