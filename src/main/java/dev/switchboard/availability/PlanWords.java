package dev.switchboard.availability;

import java.util.ArrayList;
import java.util.List;

/**
 * The whole call plan in words, for reachability: "Rings your desk phone 201 (Hall) for 20 s",
 * "Then rings your mobile +31612345678 (Mobile) for 20 s", "When you are busy: voicemail". A
 * target that cannot ring now says so. Pure, like the derivation it belongs to.
 */
final class PlanWords {

    private PlanWords() {
    }

    static List<Reachability.Words> of(UserSituation s) {
        CallPlan plan = s.plan();
        List<Reachability.Words> words = new ArrayList<>();
        if (plan.steps().isEmpty()) {
            words.add(new Reachability.Words("Nothing is selected: calls to you do not ring", null, null, null));
        }
        for (int i = 0; i < plan.steps().size(); i++) {
            CallPlan.Step step = plan.steps().get(i);
            List<String> targets = step.targets().stream().map(target -> target(s, target)).toList();
            String text = (i == 0 ? "Rings " : "Then rings ") + PresenceDerivation.join(targets) + " for " + step.ringSeconds() + " s";
            words.add(new Reachability.Words(text, i + 1, step.ringSeconds(), null));
        }
        fallback(words, plan, FallbackKind.UNAVAILABLE, "When your status says no");
        if (plan.callWaiting()) {
            if (plan.fallbacks().containsKey(FallbackKind.BUSY)) {
                words.add(new Reachability.Words("When you are in a call: call waiting is on, so a new call still rings"
                        + " (the busy fallback applies only with call waiting off)", null, null, FallbackKind.BUSY.wire()));
            }
        } else {
            words.add(new Reachability.Words("When you are busy: " + fallback(plan.fallback(FallbackKind.BUSY)), null, null,
                    FallbackKind.BUSY.wire()));
        }
        fallback(words, plan, FallbackKind.UNREACHABLE, "When none of these can ring");
        fallback(words, plan, FallbackKind.NO_ANSWER, "When nobody answers");
        return words;
    }

    private static void fallback(List<Reachability.Words> words, CallPlan plan, FallbackKind kind, String when) {
        if (plan.fallbacks().containsKey(kind)) {
            words.add(new Reachability.Words(when + ": " + fallback(plan.fallback(kind)), null, null, kind.wire()));
        }
    }

    private static String target(UserSituation s, Destination target) {
        PresenceDerivation.Selected selected = PresenceDerivation.resolve(s, target);
        if (selected instanceof PresenceDerivation.Selected.Fixed fixed) {
            return "your fixed destination " + fixed.info().label();
        }
        if (selected instanceof PresenceDerivation.Selected.Device device) {
            DeviceState d = device.state();
            List<Reason> problems = PresenceDerivation.deviceProblems(d, PresenceDerivation.Voice.OWNER);
            String now = problems.isEmpty() ? ""
                    : switch (problems.get(0).code()) {
                        case DEVICE_DND -> " (on do not disturb now)";
                        case APP_NO_PUSH_DEVICE -> " (not connected now, no push device)";
                        default -> " (not registered now)";
                    };
            return "your " + d.label() + now;
        }
        return "a destination that no longer exists";
    }

    /** What a fallback does, in words: "voicemail", "Bob (102)", "the call is rejected". */
    static String fallback(Fallback fallback) {
        String label = fallback.label();
        return switch (fallback.type()) {
            case VOICEMAIL -> label == null ? "voicemail" : "the voicemail of " + label;
            case REJECT -> "the call is rejected";
            case FIXED_DESTINATION -> "forwarded to " + (label == null ? "your fixed destination" : label);
            case USER -> "goes to " + (label == null ? "a colleague" : label);
            case GROUP -> "goes to " + (label == null ? "a ring group" : label);
        };
    }

    /** The situation a fallback is for, as a short adjective for reasons ("the busy fallback"). */
    static String situation(FallbackKind kind) {
        return switch (kind) {
            case UNREACHABLE -> "unreachable";
            case BUSY -> "busy";
            case NO_ANSWER -> "no-answer";
            case UNAVAILABLE -> "unavailable";
        };
    }
}
