package dev.switchboard.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects every log record at ERROR (JUL SEVERE) or above, or at another least level, while
 * installed on the root logger.
 * Quarkus logs through the JBoss LogManager, which is the JVM's java.util.logging manager in tests
 * (see the surefire configuration), so the application's records pass through this handler.
 */
public final class ErrorLogCapture extends Handler implements AutoCloseable {

    private final List<LogRecord> errors = new ArrayList<>();
    private final Logger root = Logger.getLogger("");
    private final Level least;

    private ErrorLogCapture(Level least) {
        this.least = least;
    }

    public static ErrorLogCapture install() {
        return install(Level.SEVERE);
    }

    /** Collects the records at {@code least} or above instead (WARNING: warnings too). */
    public static ErrorLogCapture install(Level least) {
        ErrorLogCapture capture = new ErrorLogCapture(least);
        capture.setLevel(Level.ALL);
        capture.root.addHandler(capture);
        return capture;
    }

    @Override
    public synchronized void publish(LogRecord record) {
        if (record != null && record.getLevel().intValue() >= least.intValue()) {
            errors.add(record);
        }
    }

    /** Every record as (logger, one line with the message and the thrown type), in order. */
    public synchronized List<Map.Entry<String, String>> describeAll() {
        List<Map.Entry<String, String>> lines = new ArrayList<>();
        for (LogRecord record : errors) {
            String message = record instanceof org.jboss.logmanager.ExtLogRecord ext ? ext.getFormattedMessage()
                    : record.getMessage();
            Throwable thrown = record.getThrown();
            lines.add(Map.entry(String.valueOf(record.getLoggerName()), record.getLevel() + " [" + record.getLoggerName() + "] "
                    + message + (thrown == null ? "" : " — " + thrown)));
        }
        return lines;
    }

    /** Every record as one line with its logger, message and thrown type. */
    public List<String> lines() {
        return describeAll().stream().map(Map.Entry::getValue).toList();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        root.removeHandler(this);
    }
}
