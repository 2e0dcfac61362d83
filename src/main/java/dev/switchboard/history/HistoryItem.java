package dev.switchboard.history;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * One entry of a user's history: what happened ({@code summary}, in words, and {@code details},
 * for machines), to whom, when and by whom. Built by the factories below, one per kind of event,
 * so every writer describes the same kind of event the same way.
 *
 * @param details a JSON-serializable value (maps, lists, strings, numbers, records)
 */
public record HistoryItem(Instant at, Type type, Actor actor, UUID orgId, UUID userId, String summary,
        Map<String, Object> details) {

    public enum Type {
        CALL, STATUS, DESTINATION, PLAN, DEVICE_DND, REGISTRATION;

        @JsonValue
        public String wire() {
            return name().toLowerCase();
        }

        /** Null for an unknown value. */
        public static Type fromWire(String value) {
            for (Type type : values()) {
                if (type.wire().equals(value)) {
                    return type;
                }
            }
            return null;
        }
    }

    /** What became of a call for this user. */
    public enum CallOutcome {
        RANG, FORWARDED, VOICEMAIL, REJECTED, SKIPPED_IN_GROUP, ANSWERED, NO_ANSWER;

        @JsonValue
        public String wire() {
            return name().toLowerCase();
        }
    }

    /** A reason in words, with its code when it has one. */
    public record Why(String code, String message) {
    }

    /** A VoIP account as the history names it: "desk phone 201 (Hall)". */
    public record Device(UUID id, String kind, String internalNumber, String description) {

        String words() {
            String kindWords = switch (kind == null ? "" : kind) {
                case "desk_phone" -> "desk phone";
                case "webphone" -> "webphone";
                case "app" -> "app";
                case "softphone" -> "softphone";
                default -> "device";
            };
            String described = description == null || description.isBlank() ? "" : " (" + description + ")";
            return kindWords + " " + internalNumber + described;
        }

        Map<String, Object> json() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("voipAccountId", id);
            json.put("kind", kind);
            json.put("internalNumber", internalNumber);
            json.put("description", description);
            return json;
        }
    }

    public HistoryItem {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(orgId, "orgId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(summary, "summary");
        details = details == null ? Map.of() : details;
    }

    /** What became of the call; null when this is not a call item. */
    public CallOutcome outcome() {
        return type == Type.CALL ? (CallOutcome) details.get("outcome") : null;
    }

    /** Now, at the resolution PostgreSQL stores, so what is written and what is read agree. */
    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    /** The status changed ({@code from} and {@code to} are wire values); {@code until} when it is timed. */
    public static HistoryItem status(Actor actor, UUID orgId, UUID userId, String from, String to, Instant until) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("from", from);
        details.put("to", to);
        details.put("until", until);
        return of(Type.STATUS, actor, orgId, userId, details);
    }

    /**
     * The destination changed. Types are wire values ({@code voip_account}, {@code fixed_destination});
     * a null type means none.
     */
    public static HistoryItem destination(Actor actor, UUID orgId, UUID userId, String fromType, UUID fromId, String toType,
            UUID toId) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("from", fromType == null ? null : Map.of("type", fromType, "id", fromId));
        details.put("to", toType == null ? null : Map.of("type", toType, "id", toId));
        return of(Type.DESTINATION, actor, orgId, userId, details);
    }

    /** The selected destination was removed (the device left the user or was deleted, the number deleted): none now. */
    public static HistoryItem destinationRemoved(Actor actor, UUID orgId, UUID userId, String type, UUID id) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("from", Map.of("type", type, "id", id));
        details.put("to", null);
        details.put("removed", type);
        return of(Type.DESTINATION, actor, orgId, userId, details);
    }

    /** The call plan changed; {@code details} holds the plan ({@code {"plan": {steps, callWaiting, …}}}). */
    public static HistoryItem plan(Actor actor, UUID orgId, UUID userId, Map<String, Object> details) {
        return of(Type.PLAN, actor, orgId, userId, details);
    }

    public static HistoryItem deviceDnd(Actor actor, UUID orgId, UUID userId, Device device, boolean dnd) {
        Map<String, Object> details = device.json();
        details.put("dnd", dnd);
        return of(Type.DEVICE_DND, actor, orgId, userId, details);
    }

    /** The device became registered or stopped being so ({@code lapsed}: its registration ran out). */
    public static HistoryItem registration(Actor actor, UUID orgId, UUID userId, Device device, boolean registered,
            boolean lapsed) {
        Map<String, Object> details = device.json();
        details.put("registered", registered);
        if (lapsed) {
            details.put("lapsed", true);
        }
        return of(Type.REGISTRATION, actor, orgId, userId, details);
    }

    /**
     * A call to the user and what became of it.
     *
     * @param from    the caller's number, or null when not known
     * @param reasons why, in words (at least one for outcomes other than rang, forwarded and answered)
     * @param extra   more details (the decision, the device, the step…), or null
     */
    private static HistoryItem call(Actor actor, UUID orgId, UUID userId, String from, CallOutcome outcome, List<Why> reasons,
            Map<String, Object> extra) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("from", from);
        details.put("outcome", outcome);
        details.put("reasons", reasons == null ? List.of() : new ArrayList<>(reasons));
        if (extra != null) {
            details.putAll(extra);
        }
        return of(Type.CALL, actor, orgId, userId, details);
    }

    /** A new item, its summary in English from its details (as it is rendered again when read). */
    private static HistoryItem of(Type type, Actor actor, UUID orgId, UUID userId, Map<String, Object> details) {
        return new HistoryItem(now(), type, actor, orgId, userId, HistorySummaries.english(type, actor, details), details);
    }

    /**
     * A routing answer as the history keeps it.
     *
     * @param action    {@code ring}, {@code forward}, {@code voicemail} or {@code reject}
     * @param forwardTo the number a forward goes to, else null
     * @param reason    why, in words (and its code for reject and voicemail)
     * @param answer    the whole answer, any JSON-serializable value: stored as the API sent it
     */
    public record Decision(String action, String forwardTo, Why reason, Object answer) {
    }

    /**
     * A routing decision about the user, kept whole as {@code decision}. The answer is serialized
     * once, when the item is written; the summary only needs what {@code decision} names.
     */
    public static HistoryItem decision(Actor actor, UUID orgId, UUID userId, String from, Decision decision) {
        CallOutcome outcome = switch (decision.action()) {
            case "ring" -> CallOutcome.RANG;
            case "forward" -> CallOutcome.FORWARDED;
            case "voicemail" -> CallOutcome.VOICEMAIL;
            default -> CallOutcome.REJECTED;
        };
        Why why = decision.reason();
        Map<String, Object> named = new LinkedHashMap<>();
        named.put("decision", decision.forwardTo() == null ? Map.of() : Map.of("forwardTo", decision.forwardTo()));
        HistoryItem item = call(actor, orgId, userId, from, outcome, why.message().isEmpty() ? List.of() : List.of(why), named);
        item.details().put("decision", decision.answer()); // after the summary: it reads only the part above
        return item;
    }

    /** A ring group's call passed over this member, and why (their own route would not ring them). */
    public static HistoryItem skippedInGroup(Actor actor, UUID orgId, UUID userId, String from, UUID groupId, String groupName,
            Why why) {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("groupId", groupId);
        extra.put("groupName", groupName);
        return call(actor, orgId, userId, from, CallOutcome.SKIPPED_IN_GROUP, List.of(why), extra);
    }

    /**
     * What the platform reported for a call on one of the user's devices: answered there, or rang
     * without an answer (at plan step {@code step}, when it said).
     */
    public static HistoryItem callEvent(UUID orgId, UUID userId, Device device, CallOutcome outcome, String callId,
            Integer step) {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("callId", callId);
        extra.put("step", step);
        extra.put("device", device.json());
        if (outcome == CallOutcome.ANSWERED) {
            return call(Actor.PLATFORM, orgId, userId, null, outcome, List.of(), extra);
        }
        String at = "your " + device.words() + (step == null ? "" : " (step " + step + ")");
        Why why = new Why("NO_ANSWER", "It rang on " + at + " and nobody answered before the ring time ran out");
        return call(Actor.PLATFORM, orgId, userId, null, outcome, List.of(why), extra);
    }
}
