package dev.switchboard.history;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One page of a user's history, newest first.
 *
 * @param next pass as {@code before} for the following page; null when this is the last one
 */
public record HistoryPage(List<Entry> items, String next) {

    /** One item as the API shows it. */
    @JsonPropertyOrder({ "at", "type", "actor", "summary", "details" })
    public record Entry(Instant at, String type, Actor actor, String summary, JsonNode details) {
    }
}
