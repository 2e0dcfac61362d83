package dev.switchboard.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.switchboard.common.Messages;

/**
 * A history item's {@code summary}, in words, from what the item stores for machines (its type,
 * actor and {@code details}): rendered when the item is read, in the reader's language, so one
 * stored item reads in English and in Dutch. The sentence stored with the item (English, written
 * by the same code) is only used for an item whose details this does not understand.
 *
 * <p>The reasons of a call are sentences the routing wrote (in English, with the user's own
 * device names); in English they are quoted as stored, in another language the reason's code is
 * put in words instead.
 */
final class HistorySummaries {

    /** Details as the store writes them (ISO times), for the summary written with a new item. */
    private static final JsonMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    private HistorySummaries() {
    }

    /** The summary of a new item, in English (stored with it). */
    static String english(HistoryItem.Type type, Actor actor, Object details) {
        String summary = of(type.wire(), actor.type(), JSON.valueToTree(details), Messages.ENGLISH);
        if (summary == null) {
            throw new IllegalStateException("no summary for a " + type.wire() + " item");
        }
        return summary;
    }

    /** The summary in {@code m}'s language, or null when the details do not say enough. */
    static String of(String type, Actor.Type actor, JsonNode details, Messages m) {
        if (details == null || !details.isObject()) {
            return null;
        }
        return switch (type) {
            case "status" -> status(actor, details, m);
            case "destination" -> destination(details, m);
            case "plan" -> plan(details, m);
            case "device_dnd" -> m.text(details.path("dnd").asBoolean() ? "history.deviceDnd.on" : "history.deviceDnd.off",
                    device(details, m));
            case "registration" -> m.text(details.path("registered").asBoolean() ? "history.registration.registered"
                    : details.path("lapsed").asBoolean() ? "history.registration.lapsed" : "history.registration.unregistered",
                    device(details, m));
            case "call" -> call(details, m);
            default -> null;
        };
    }

    private static String status(Actor.Type actor, JsonNode details, Messages m) {
        String from = status(details.path("from"), m);
        String to = status(details.path("to"), m);
        if (actor == Actor.Type.TIMER) {
            return m.text("history.status.returned", to, from);
        }
        JsonNode until = details.path("until");
        return until.isTextual() ? m.text("history.status.setUntil", to, from, until.asText()) : m.text("history.status.set", to, from);
    }

    private static String status(JsonNode status, Messages m) {
        return status.isTextual() ? m.text("history.status." + status.asText()) : m.text("history.status.none");
    }

    private static String destination(JsonNode details, Messages m) {
        if (!details.path("to").isObject()) {
            String removed = details.path("removed").asText(null);
            return removed == null ? m.text("history.destination.cleared")
                    : m.text("voip_account".equals(removed) ? "history.destination.removedDevice" : "history.destination.removedNumber");
        }
        return m.text("voip_account".equals(details.path("to").path("type").asText())
                ? "history.destination.device" : "history.destination.fixed");
    }

    private static String plan(JsonNode details, Messages m) {
        JsonNode plan = details.path("plan");
        if (!plan.isObject()) {
            return null;
        }
        int steps = plan.path("steps").size();
        String count = steps == 0 ? m.text("history.plan.noSteps") : steps == 1 ? m.text("history.plan.oneStep")
                : m.text("history.plan.steps", steps);
        return m.text("history.plan", count, m.text(plan.path("callWaiting").asBoolean() ? "history.on" : "history.off"));
    }

    /** "desk phone 201 (Hall)", from a device's details. */
    private static String device(JsonNode device, Messages m) {
        String kind = device.path("kind").asText("");
        String kindWords = switch (kind) {
            case "desk_phone", "webphone", "app", "softphone" -> m.text("device.kind." + kind);
            default -> m.text("history.device");
        };
        String description = device.path("description").asText("");
        return kindWords + " " + device.path("internalNumber").asText("")
                + (description.isBlank() ? "" : " (" + description + ")");
    }

    private static String call(JsonNode details, Messages m) {
        String from = details.path("from").asText("");
        String call = from.isBlank() ? m.text("history.call") : m.text("history.call.from", from);
        String outcome = details.path("outcome").asText("");
        JsonNode why = details.path("reasons").path(0);
        if (details.path("device").isObject()) {
            JsonNode step = details.path("step");
            String at = step.isNumber() ? m.text("history.call.atStep", device(details.path("device"), m), step.asInt())
                    : m.text("history.call.at", device(details.path("device"), m));
            return m.text("answered".equals(outcome) ? "history.call.answered" : "history.call.notAnswered", at);
        }
        if ("skipped_in_group".equals(outcome)) {
            return m.text("history.call.skipped", call, details.path("groupName").asText(""), reason(why, m));
        }
        JsonNode decision = details.path("decision");
        String what = switch (outcome) {
            case "rang" -> m.text("history.call.rang", call);
            case "forwarded" -> m.text("history.call.forwarded", call,
                    decision.path("forwardTo").isTextual() ? decision.path("forwardTo").asText() : m.text("history.call.yourNumber"));
            case "voicemail" -> m.text("history.call.voicemail", call);
            case "rejected" -> m.text("history.call.rejected", call);
            default -> null;
        };
        if (what == null) {
            return null;
        }
        String reason = reason(why, m);
        return reason.isEmpty() ? what : m.text("history.call.because", what, reason);
    }

    /** A call's reason: as the routing wrote it (English), or in other languages its code in words. */
    private static String reason(JsonNode why, Messages m) {
        String message = why.path("message").asText("");
        if (m == Messages.ENGLISH || message.isEmpty()) {
            return message;
        }
        String code = why.path("code").asText("");
        // ring and forward words have no code: the outcome says it all
        return code.isEmpty() || "OK".equals(code) ? "" : m.text("history.reason." + code);
    }
}
