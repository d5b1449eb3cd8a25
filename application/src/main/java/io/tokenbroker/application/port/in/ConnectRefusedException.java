package io.tokenbroker.application.port.in;

import java.util.Optional;

/** A connect link that cannot be made: the connection takes no consent, or the return URL is not allowed. */
public final class ConnectRefusedException extends BrokerException {

    private final String detail;

    private ConnectRefusedException(String problemType, String title, String detail) {
        super(Kind.INVALID, problemType, title, detail, Optional.empty(), null);
        this.detail = detail;
    }

    /** The provider has no consent flow (qpay, auth-service), or the connection uses client credentials. */
    public static ConnectRefusedException notSupported(String detail) {
        return new ConnectRefusedException("connect-not-supported", "The connection takes no user consent", detail);
    }

    public static ConnectRefusedException returnUrlNotAllowed() {
        return new ConnectRefusedException("return-url-not-allowed", "The return URL is not allowed",
                "return_url must lie under one of tokenbroker.connect.allowed-return-urls (compared after "
                        + "normalisation, at a path segment boundary).");
    }

    @Override
    public String detail() {
        return detail;
    }
}
