package dev.switchboard.availability;

import java.util.ArrayList;
import java.util.List;

import dev.switchboard.common.Messages;

/**
 * The whole call plan in words, for reachability: "Rings your desk phone 201 (Hall) for 20 s",
 * "Then rings your mobile +31612345678 (Mobile) for 20 s", "When you are busy: voicemail". A
 * target that cannot ring now says so. Pure, like the derivation it belongs to: the words come from
 * the catalogue passed in.
 */
final class PlanWords {

    private PlanWords() {
    }

    static List<Reachability.Words> of(UserSituation s, Messages m) {
        CallPlan plan = s.plan();
        List<Reachability.Words> words = new ArrayList<>();
        if (plan.steps().isEmpty()) {
            words.add(new Reachability.Words(m.text("plan.empty"), null, null, null));
        }
        for (int i = 0; i < plan.steps().size(); i++) {
            CallPlan.Step step = plan.steps().get(i);
            List<String> targets = step.targets().stream().map(target -> target(s, target, m)).toList();
            String text = m.text(i == 0 ? "plan.step.first" : "plan.step.then", PresenceDerivation.join(targets, m), step.ringSeconds());
            words.add(new Reachability.Words(text, i + 1, step.ringSeconds(), null));
        }
        fallback(words, plan, FallbackKind.UNAVAILABLE, m);
        if (plan.callWaiting()) {
            if (plan.fallbacks().containsKey(FallbackKind.BUSY)) {
                words.add(new Reachability.Words(m.text("plan.when.callWaiting"), null, null, FallbackKind.BUSY.wire()));
            }
        } else {
            words.add(new Reachability.Words(m.text("plan.when", m.text("plan.when.busy"), fallback(plan.fallback(FallbackKind.BUSY), m)),
                    null, null, FallbackKind.BUSY.wire()));
        }
        fallback(words, plan, FallbackKind.UNREACHABLE, m);
        fallback(words, plan, FallbackKind.NO_ANSWER, m);
        return words;
    }

    private static void fallback(List<Reachability.Words> words, CallPlan plan, FallbackKind kind, Messages m) {
        if (plan.fallbacks().containsKey(kind)) {
            words.add(new Reachability.Words(m.text("plan.when", m.text("plan.when." + kind.wire()), fallback(plan.fallback(kind), m)),
                    null, null, kind.wire()));
        }
    }

    private static String target(UserSituation s, Destination target, Messages m) {
        PresenceDerivation.Selected selected = PresenceDerivation.resolve(s, target);
        if (selected instanceof PresenceDerivation.Selected.Fixed fixed) {
            return m.text("plan.target.fixed", fixed.info().label());
        }
        if (selected instanceof PresenceDerivation.Selected.Device device) {
            DeviceState d = device.state();
            List<Reason> problems = PresenceDerivation.deviceProblems(d, PresenceDerivation.Voice.OWNER, m);
            String now = problems.isEmpty() ? ""
                    : m.text(switch (problems.get(0).code()) {
                        case DEVICE_DND -> "plan.target.now.dnd";
                        case APP_NO_PUSH_DEVICE -> "plan.target.now.noPush";
                        default -> "plan.target.now.unregistered";
                    });
            return m.text("device.your", d.label(m)) + now;
        }
        return m.text("plan.target.gone");
    }

    /** What a fallback does, in words: "voicemail", "Bob (102)", "the call is rejected". */
    static String fallback(Fallback fallback, Messages m) {
        String label = fallback.label();
        return switch (fallback.type()) {
            case VOICEMAIL -> label == null ? m.text("fallback.voicemail") : m.text("fallback.voicemailOf", label);
            case REJECT -> m.text("fallback.reject");
            case FIXED_DESTINATION -> m.text("fallback.forward", label == null ? m.text("fallback.yourFixed") : label);
            case USER -> m.text("fallback.goesTo", label == null ? m.text("fallback.aColleague") : label);
            case GROUP -> m.text("fallback.goesTo", label == null ? m.text("fallback.aGroup") : label);
        };
    }

    /** The situation a fallback is for, as a short adjective for reasons ("the busy fallback"). */
    static String situation(FallbackKind kind, Messages m) {
        return m.text("fallback.situation." + kind.wire());
    }
}
