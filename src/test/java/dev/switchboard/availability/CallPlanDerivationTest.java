package dev.switchboard.availability;

import static dev.switchboard.availability.PresenceDerivationTest.MOBILE;
import static dev.switchboard.availability.PresenceDerivationTest.MOBILE_ID;
import static dev.switchboard.availability.PresenceDerivationTest.NOW;
import static dev.switchboard.availability.PresenceDerivationTest.USER;
import static dev.switchboard.availability.PresenceDerivationTest.app;
import static dev.switchboard.availability.PresenceDerivationTest.desk;
import static dev.switchboard.availability.PresenceDerivationTest.device;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import dev.switchboard.account.DeviceKind;
import dev.switchboard.account.UserStatus;

/**
 * Table tests of call plans in the one derivation ({@link PresenceDerivation} and the
 * {@link RoutePlanner} built on it): every fallback × status × device state × call state ×
 * internal/external caller. The situation that applies and its cause come from the literal tables
 * below (the truth table in {@code docs/presence-model.md}, "Call plans"); each combination's route,
 * presence and ring group eligibility are checked against them.
 */
class CallPlanDerivationTest {

    static final UUID COLLEAGUE = UUID.fromString("00000000-0000-0000-0000-000000000002");
    static final UUID COLLEAGUE_DESK = UUID.fromString("00000000-0000-0000-0000-0000000000c1");
    static final UUID GROUP = UUID.fromString("00000000-0000-0000-0000-0000000000a0");

    /** The device the one-step plan rings: flags as in PresenceDerivationTest, and what stops it ringing. */
    enum Device {
        REGISTERED("desk", "reg", null),
        UNREGISTERED("desk", "", ReasonCode.DEVICE_UNREGISTERED),
        DEVICE_DND("desk", "reg dnd", ReasonCode.DEVICE_DND),
        APP_PUSH("app", "push", null),
        APP_NO_PUSH("app", "", ReasonCode.APP_NO_PUSH_DEVICE);

        final String kind;
        final String flags;
        final ReasonCode problem;

        Device(String kind, String flags, ReasonCode problem) {
            this.kind = kind;
            this.flags = flags;
            this.problem = problem;
        }

        DeviceState state(String extraFlags) {
            String all = (flags + " " + extraFlags).trim();
            return kind.equals("app") ? app(all) : desk(all);
        }
    }

    /** Call activity on the device, with the plan's call waiting. */
    enum Call {
        IDLE("", true), RINGING("ringing", true), IN_CALL_WAITING_ON("incall", true), IN_CALL_WAITING_OFF("incall", false);

        final String flags;
        final boolean callWaiting;

        Call(String flags, boolean callWaiting) {
            this.flags = flags;
            this.callWaiting = callWaiting;
        }
    }

    // ------------------------------------------------------------------ the literal tables

    /** Which status says no to which caller (the {@code unavailable} fallback), and the code. */
    @ParameterizedTest(name = "{0}, {1} caller → {2}")
    @CsvSource(delimiter = '|', textBlock = """
            available                | internal | -
            available                | external | -
            available_for_colleagues | internal | -
            available_for_colleagues | external | COLLEAGUES_ONLY
            do_not_disturb           | internal | STATUS_DND
            do_not_disturb           | external | STATUS_DND
            offline                  | internal | STATUS_OFFLINE
            offline                  | external | STATUS_OFFLINE
            """)
    void statusTable(String status, String caller, String code) {
        assertThat(statusBlock(UserStatus.fromWire(status), caller.equals("internal"))).isEqualTo(code.equals("-") ? null : ReasonCode.valueOf(code));
    }

    static ReasonCode statusBlock(UserStatus status, boolean internal) {
        return switch (status) {
            case AVAILABLE -> null;
            case AVAILABLE_FOR_COLLEAGUES -> internal ? null : ReasonCode.COLLEAGUES_ONLY;
            case DO_NOT_DISTURB -> ReasonCode.STATUS_DND;
            case OFFLINE -> ReasonCode.STATUS_OFFLINE;
        };
    }

    /** Which situation applies, checked in this order; the first that holds wins. */
    static FallbackKind situation(UserStatus status, boolean internal, Device device, Call call) {
        if (statusBlock(status, internal) != null) {
            return FallbackKind.UNAVAILABLE;
        }
        if (call == Call.IN_CALL_WAITING_OFF) {
            return FallbackKind.BUSY;
        }
        return device.problem != null ? FallbackKind.UNREACHABLE : null; // null: the plan rings
    }

    static ReasonCode cause(UserStatus status, boolean internal, Device device, Call call) {
        FallbackKind kind = situation(status, internal, device, call);
        return kind == null ? null : switch (kind) {
            case UNAVAILABLE -> statusBlock(status, internal);
            case BUSY -> ReasonCode.IN_CALL;
            default -> device.problem;
        };
    }

    // ------------------------------------------------------------------ every combination

    record Combination(FallbackType fallback, UserStatus status, Device device, Call call, boolean internal) {
        @Override
        public String toString() {
            return fallback.wire() + " / " + status.wire() + " / " + device + " / " + call + " / " + (internal ? "internal" : "external");
        }
    }

    static Stream<Combination> combinations() {
        List<Combination> all = new ArrayList<>();
        for (FallbackType fallback : FallbackType.values()) {
            for (UserStatus status : UserStatus.values()) {
                for (Device device : Device.values()) {
                    for (Call call : Call.values()) {
                        all.add(new Combination(fallback, status, device, call, true));
                        all.add(new Combination(fallback, status, device, call, false));
                    }
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("combinations")
    void everyFallbackStatusDeviceCallAndCaller(Combination c) {
        UserSituation s = situationOf(c);
        RoutePlanner.Directory directory = directory(s);
        RouteAnswer answer = RoutePlanner.toUser(USER, directory, c.internal(), NOW).answer();
        FallbackKind kind = situation(c.status(), c.internal(), c.device(), c.call());
        ReasonCode cause = cause(c.status(), c.internal(), c.device(), c.call());

        if (kind == null) {
            // The plan rings its device; nobody answering leads to the no-answer fallback.
            assertThat(answer.action()).isEqualTo("ring");
            assertThat(answer.targets()).extracting(RouteTarget::sipUsername).containsExactly(c.device().kind.equals("app") ? "sip-app" : "sip-desk");
            assertThat(answer.targets().get(0).wakeUp()).isEqualTo(c.device() == Device.APP_PUSH);
            assertThat(answer.plan()).hasSize(1);
            assertThat(answer.plan().get(0).ringSeconds()).isEqualTo(25);
            assertFallbackOutcome(c.fallback(), answer.onNoAnswer(), FallbackKind.NO_ANSWER, ReasonCode.NO_ANSWER);
            assertThat(PresenceDerivation.cannotTakeCall(s, c.internal(), NOW)).isNull();
        } else {
            assertFallbackOutcome(c.fallback(), answer, kind, cause);
            assertThat(PresenceDerivation.cannotTakeCall(s, c.internal(), NOW).code()).isEqualTo(cause);
        }

        // Presence is the internal caller's view, whatever caller this row is about.
        PresenceState presence = PresenceDerivation.derive(s, NOW).presence();
        FallbackKind internalKind = situation(c.status(), true, c.device(), c.call());
        RouteDecision internalFirst = PresenceDerivation.routeToUser(s, true, NOW);
        assertThat(presence.reach()).isEqualTo(internalFirst.reach());
        Availability expected = c.call().flags.equals("incall") ? Availability.BUSY
                : c.status() == UserStatus.DO_NOT_DISTURB ? Availability.DO_NOT_DISTURB
                : c.status() == UserStatus.OFFLINE ? Availability.OFFLINE
                : internalKind == null || c.fallback() == FallbackType.FIXED_DESTINATION
                        ? (c.status() == UserStatus.AVAILABLE_FOR_COLLEAGUES ? Availability.AVAILABLE_FOR_COLLEAGUES : Availability.AVAILABLE)
                : c.device() == Device.DEVICE_DND ? Availability.DO_NOT_DISTURB : Availability.OFFLINE;
        assertThat(presence.availability()).isEqualTo(expected);
        Reach reach = internalKind == null ? Reach.RINGS : c.fallback() == FallbackType.FIXED_DESTINATION ? Reach.FORWARDED : Reach.UNREACHABLE;
        assertThat(presence.reach()).isEqualTo(reach);
    }

    /** What each fallback does: the literal fallback table. */
    static void assertFallbackOutcome(FallbackType fallback, RouteAnswer answer, FallbackKind kind, ReasonCode cause) {
        switch (fallback) {
            case REJECT -> {
                assertThat(answer.action()).isEqualTo("reject");
                assertThat(answer.code()).isEqualTo(cause);
                assertThat(answer.plan()).isEmpty();
            }
            case VOICEMAIL -> {
                assertThat(answer.action()).isEqualTo("voicemail");
                assertThat(answer.voicemail()).isEqualTo(USER);
                assertThat(answer.code()).isEqualTo(cause);
                assertThat(answer.plan().get(0).targets().get(0).voicemail()).isEqualTo(USER);
            }
            case FIXED_DESTINATION -> {
                assertThat(answer.action()).isEqualTo("forward");
                assertThat(answer.forwardTo()).isEqualTo(MOBILE.number());
                assertThat((String) answer.reason()).contains("the " + PlanWords.situation(kind, dev.switchboard.common.Messages.ENGLISH) + " fallback");
            }
            case USER, GROUP -> {
                // One hop to the colleague (directly, or as the group's only member), who rings.
                assertThat(answer.action()).isEqualTo("ring");
                assertThat(answer.targets()).extracting(RouteTarget::voipAccountId).containsExactly(COLLEAGUE_DESK);
                assertThat(answer.hops()).isEqualTo(1);
                assertThat(answer.via().type()).isEqualTo("user");
                assertThat(answer.via().id()).isEqualTo(USER);
                assertThat(answer.via().fallback()).isEqualTo(kind.wire());
                assertThat(answer.via().reason().code()).isEqualTo(cause);
                assertThat(answer.skipped()).isEqualTo(fallback == FallbackType.GROUP ? List.of() : null);
            }
        }
    }

    static UserSituation situationOf(Combination c) {
        Map<FallbackKind, Fallback> fallbacks = new EnumMap<>(FallbackKind.class);
        for (FallbackKind kind : FallbackKind.values()) {
            fallbacks.put(kind, switch (c.fallback()) {
                case FIXED_DESTINATION -> new Fallback(FallbackType.FIXED_DESTINATION, MOBILE_ID, MOBILE.label());
                case USER -> new Fallback(FallbackType.USER, COLLEAGUE, "Colleague (102)");
                case GROUP -> new Fallback(FallbackType.GROUP, GROUP, "ring group Sales (300)");
                case VOICEMAIL -> new Fallback(FallbackType.VOICEMAIL, null, null);
                case REJECT -> Fallback.REJECT;
            });
        }
        DeviceState device = c.device().state(c.call().flags);
        CallPlan plan = new CallPlan(List.of(new CallPlan.Step(List.of(Destination.voipAccount(device.voipAccountId())), 25)),
                fallbacks, c.call().callWaiting);
        return new UserSituation(USER, c.status(), null, plan, List.of(device), List.of(MOBILE), OrgRules.DEFAULTS, Map.of());
    }

    static RoutePlanner.Directory directory(UserSituation s) {
        UserSituation colleague = colleague(UserStatus.AVAILABLE, "reg");
        GroupSituation group = new GroupSituation(GROUP, "Sales", "300", RingStrategy.RING_ALL, 15,
                List.of(new GroupSituation.Member(colleague, "Colleague", null)), Fallback.REJECT, 0);
        return new RoutePlanner.Directory(Map.of(USER, s, COLLEAGUE, colleague), Map.of(GROUP, group));
    }

    static UserSituation colleague(UserStatus status, String flags) {
        DeviceState desk = device(COLLEAGUE_DESK, "sip-colleague", DeviceKind.DESK_PHONE, "202", "Desk", flags);
        return new UserSituation(COLLEAGUE, status, null, CallPlan.of(Destination.voipAccount(COLLEAGUE_DESK)), List.of(desk), List.of(),
                OrgRules.DEFAULTS, Map.of());
    }

    // ------------------------------------------------------------------ plans with several steps and targets

    @Test
    void stepsKeepOnlyWhatCanRingNowAndTheWordsSayTheWholePlan() {
        DeviceState deskOff = desk("");
        DeviceState appOn = app("push");
        CallPlan plan = new CallPlan(List.of(
                new CallPlan.Step(List.of(Destination.voipAccount(deskOff.voipAccountId())), 20),
                new CallPlan.Step(List.of(Destination.voipAccount(appOn.voipAccountId()), Destination.fixedDestination(MOBILE_ID)), 30)),
                Map.of(FallbackKind.BUSY, new Fallback(FallbackType.VOICEMAIL, null, null),
                        FallbackKind.NO_ANSWER, new Fallback(FallbackType.USER, COLLEAGUE, "Colleague (102)")), false);
        UserSituation s = new UserSituation(USER, UserStatus.AVAILABLE, null, plan, List.of(deskOff, appOn), List.of(MOBILE),
                OrgRules.DEFAULTS, Map.of());

        RouteAnswer answer = RoutePlanner.toUser(USER, directory(s), true, NOW).answer();
        assertThat(answer.action()).isEqualTo("ring");
        assertThat(answer.plan()).hasSize(1);
        assertThat(answer.plan().get(0).targets()).extracting(PlanTarget::sipUsername, PlanTarget::forwardTo)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("sip-app", null), org.assertj.core.groups.Tuple.tuple(null, "+31612345678"));
        assertThat(answer.reason()).isEqualTo("Waking your app 203 (iPhone) by push, then ringing it and forwarding to +31612345678 (Mobile) at once.");
        assertThat(answer.onNoAnswer().hops()).isEqualTo(1);
        assertThat(answer.onNoAnswer().targets()).extracting(RouteTarget::voipAccountId).containsExactly(COLLEAGUE_DESK);

        assertThat(PresenceDerivation.derive(s, NOW).reachability().plan()).extracting(Reachability.Words::words).containsExactly(
                "Rings your desk phone 201 (Hall) (not registered now) for 20 s",
                "Then rings your app 203 (iPhone) and your fixed destination +31612345678 (Mobile) for 30 s",
                "When you are busy: voicemail",
                "When nobody answers: goes to Colleague (102)");
        assertThat(PresenceDerivation.derive(s, NOW).reachability().codes()).containsExactly(ReasonCode.OK);
    }

    @Test
    void fallbacksBetweenTwoUsersStopAfterThreeHops() {
        Map<FallbackKind, Fallback> toColleague = Map.of(FallbackKind.UNAVAILABLE, new Fallback(FallbackType.USER, COLLEAGUE, null));
        Map<FallbackKind, Fallback> toUser = Map.of(FallbackKind.UNAVAILABLE, new Fallback(FallbackType.USER, USER, null));
        UserSituation a = new UserSituation(USER, UserStatus.OFFLINE, null, new CallPlan(List.of(), toColleague, true), List.of(), List.of(),
                OrgRules.DEFAULTS, Map.of());
        UserSituation b = new UserSituation(COLLEAGUE, UserStatus.OFFLINE, null, new CallPlan(List.of(), toUser, true), List.of(), List.of(),
                OrgRules.DEFAULTS, Map.of());

        RouteAnswer answer = RoutePlanner.toUser(USER, new RoutePlanner.Directory(Map.of(USER, a, COLLEAGUE, b), Map.of()), true, NOW)
                .answer();
        assertThat(answer.action()).isEqualTo("reject");
        assertThat(answer.code()).isEqualTo(ReasonCode.TOO_MANY_HOPS);
        assertThat(answer.hops()).isEqualTo(RoutePlanner.MAX_HOPS);

        // Someone not loaded yet is asked for, not guessed.
        RoutePlanner.Outcome outcome = RoutePlanner.toUser(USER, new RoutePlanner.Directory(Map.of(USER, a), Map.of()), true, NOW);
        assertThat(outcome.missing()).isTrue();
        assertThat(outcome.missingType()).isEqualTo(FallbackType.USER);
        assertThat(outcome.missingId()).isEqualTo(COLLEAGUE);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            ring_all     | 0 | sip-m1 sip-m3
            in_order     | 0 | sip-m1,sip-m3
            longest_idle | 0 | sip-m3,sip-m1
            round_robin  | 0 | sip-m1,sip-m3
            round_robin  | 1 | sip-m3,sip-m1
            round_robin  | 2 | sip-m3,sip-m1
            round_robin  | 3 | sip-m1,sip-m3
            """)
    void groupStrategiesOrderTheMembersWhoCanTakeACall(String strategy, long rotation, String expectedSteps) {
        UUID m1 = UUID.randomUUID();
        UUID m2 = UUID.randomUUID();
        UUID m3 = UUID.randomUUID();
        GroupSituation group = new GroupSituation(GROUP, "Sales", "300", RingStrategy.fromWire(strategy), 15, List.of(
                member(m1, "sip-m1", UserStatus.AVAILABLE, NOW.minusSeconds(60)),
                member(m2, "sip-m2", UserStatus.OFFLINE, NOW.minusSeconds(600)),
                member(m3, "sip-m3", UserStatus.AVAILABLE, NOW.minusSeconds(300))), Fallback.REJECT, rotation);

        RouteAnswer answer = RoutePlanner.toGroup(GROUP, new RoutePlanner.Directory(Map.of(), Map.of(GROUP, group)), false, NOW).answer();
        String steps = String.join(",", answer.plan().stream()
                .map(step -> String.join(" ", step.targets().stream().map(PlanTarget::sipUsername).toList())).toList());
        assertThat(steps).isEqualTo(expectedSteps);
        assertThat(answer.skipped()).extracting(RouteAnswer.Skipped::userId).containsExactly(m2);
        assertThat(answer.skipped().get(0).reason().code()).isEqualTo(ReasonCode.STATUS_OFFLINE);
        assertThat(answer.onNoAnswer().code()).isEqualTo(ReasonCode.NO_ANSWER);
    }

    static GroupSituation.Member member(UUID id, String sip, UserStatus status, java.time.Instant idleSince) {
        DeviceState desk = device(UUID.nameUUIDFromBytes(sip.getBytes()), sip, DeviceKind.DESK_PHONE, null, null, "reg");
        UserSituation s = new UserSituation(id, status, null, CallPlan.of(Destination.voipAccount(desk.voipAccountId())), List.of(desk),
                List.of(), OrgRules.DEFAULTS, Map.of());
        return new GroupSituation.Member(s, sip, idleSince);
    }

    @Test
    void nobodyInTheGroupMeansTheGroupsFallback() {
        GroupSituation group = new GroupSituation(GROUP, "Sales", "300", RingStrategy.RING_ALL, 15,
                List.of(member(UUID.randomUUID(), "sip-m1", UserStatus.DO_NOT_DISTURB, null)),
                new Fallback(FallbackType.VOICEMAIL, COLLEAGUE, null), 0);
        RouteAnswer answer = RoutePlanner.toGroup(GROUP, new RoutePlanner.Directory(Map.of(), Map.of(GROUP, group)), true, NOW).answer();
        assertThat(answer.action()).isEqualTo("voicemail");
        assertThat(answer.voicemail()).isEqualTo(COLLEAGUE);
        assertThat(answer.code()).isEqualTo(ReasonCode.NO_MEMBER_AVAILABLE);
        assertThat(answer.skipped()).hasSize(1);
    }
}
