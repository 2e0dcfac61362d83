package dev.switchboard.common;

/** The service has more of this kind of work waiting than it accepts; answered as 503 with {@code Retry-After}. */
public class ServiceBusyException extends RuntimeException {

    public ServiceBusyException(String message) {
        super(message, null, false, false);
    }
}
