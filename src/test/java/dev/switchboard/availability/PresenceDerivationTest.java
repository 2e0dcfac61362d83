package dev.switchboard.availability;

import static dev.switchboard.availability.Availability.BUSY;
import static dev.switchboard.availability.Reach.FORWARDED;
import static dev.switchboard.availability.Reach.RINGS;
import static dev.switchboard.availability.Reach.UNREACHABLE;
import static dev.switchboard.availability.ReasonCode.APP_NO_PUSH_DEVICE;
import static dev.switchboard.availability.ReasonCode.COLLEAGUES_ONLY;
import static dev.switchboard.availability.ReasonCode.DEVICE_DND;
import static dev.switchboard.availability.ReasonCode.DEVICE_UNREGISTERED;
import static dev.switchboard.availability.ReasonCode.IN_CALL;
import static dev.switchboard.availability.ReasonCode.NO_DESTINATION;
import static dev.switchboard.availability.ReasonCode.OK;
import static dev.switchboard.availability.ReasonCode.STATUS_DND;
import static dev.switchboard.availability.ReasonCode.STATUS_OFFLINE;
import static dev.switchboard.account.UserStatus.AVAILABLE;
import static dev.switchboard.account.UserStatus.AVAILABLE_FOR_COLLEAGUES;
import static dev.switchboard.account.UserStatus.DO_NOT_DISTURB;
import static dev.switchboard.account.UserStatus.OFFLINE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import dev.switchboard.account.CallContext;
import dev.switchboard.account.DestinationType;
import dev.switchboard.account.DeviceKind;
import dev.switchboard.account.UserStatus;
import dev.switchboard.common.Language;
import dev.switchboard.common.Messages;

/**
 * Table-driven tests of {@link PresenceDerivation}. Every row states its expected result literally;
 * the docs table in {@code docs/presence-model.md} mirrors these rows.
 *
 * <p>Device flags in the tables: {@code reg} registered, {@code dnd} device DND, {@code push} has a
 * push device, {@code ringing}, {@code incall}. Routes are written as {@code ring <sip> [wake]},
 * {@code forward <number>} or {@code reject <CODE>}.
 */
class PresenceDerivationTest {

    static final Instant NOW = Instant.parse("2025-06-02T10:00:00Z");

    static final UUID USER = UUID.fromString("00000000-0000-0000-0000-000000000001");
    static final UUID DESK_ID = UUID.fromString("00000000-0000-0000-0000-0000000000d1");
    static final UUID OTHER_DESK_ID = UUID.fromString("00000000-0000-0000-0000-0000000000d2");
    static final UUID WEB_ID = UUID.fromString("00000000-0000-0000-0000-0000000000e1");
    static final UUID SOFT_ID = UUID.fromString("00000000-0000-0000-0000-0000000000f1");
    static final UUID APP_ID = UUID.fromString("00000000-0000-0000-0000-0000000000a1");
    static final UUID MOBILE_ID = UUID.fromString("00000000-0000-0000-0000-0000000000b1");
    static final UUID GONE_ID = UUID.fromString("00000000-0000-0000-0000-000000000099");

    static final FixedDestinationInfo MOBILE = new FixedDestinationInfo(MOBILE_ID, "+31612345678", "Mobile");

    static final Destination TO_DESK = Destination.voipAccount(DESK_ID);
    static final Destination TO_WEB = Destination.voipAccount(WEB_ID);
    static final Destination TO_SOFT = Destination.voipAccount(SOFT_ID);
    static final Destination TO_APP = Destination.voipAccount(APP_ID);
    static final Destination TO_MOBILE = Destination.fixedDestination(MOBILE_ID);
    static final Destination TO_GONE_DEVICE = Destination.voipAccount(GONE_ID);
    static final Destination TO_GONE_FIXED = Destination.fixedDestination(GONE_ID);
    static final Destination NONE = null;

    // ------------------------------------------------------------------ fixtures

    static DeviceState device(UUID id, String sip, DeviceKind kind, String number, String description, String flags) {
        Set<String> f = Set.of(flags.trim().isEmpty() ? new String[0] : flags.trim().split("\\s+"));
        for (String flag : f) {
            assertThat(flag).isIn("reg", "unreg", "dnd", "push", "ringing", "incall");
        }
        return new DeviceState(id, sip, kind, number, description, f.contains("reg"), f.contains("dnd"),
                f.contains("push"), f.contains("ringing"), f.contains("incall"));
    }

    static DeviceState desk(String flags) {
        return device(DESK_ID, "sip-desk", DeviceKind.DESK_PHONE, "201", "Hall", flags);
    }

    static DeviceState otherDesk(String flags) {
        return device(OTHER_DESK_ID, "sip-desk2", DeviceKind.DESK_PHONE, "202", "Office", flags);
    }

    static DeviceState web(String flags) {
        return device(WEB_ID, "sip-web", DeviceKind.WEBPHONE, "204", "Browser", flags);
    }

    static DeviceState soft(String flags) {
        return device(SOFT_ID, "sip-soft", DeviceKind.SOFTPHONE, "205", "Laptop", flags);
    }

    static DeviceState app(String flags) {
        return device(APP_ID, "sip-app", DeviceKind.APP, "203", "iPhone", flags);
    }

    static UserSituation sit(UserStatus status, Destination destination, DeviceState... devices) {
        return sit(status, null, destination, devices);
    }

    static UserSituation sit(UserStatus status, Instant until, Destination destination, DeviceState... devices) {
        return new UserSituation(USER, status, until, destination, List.of(devices), List.of(MOBILE), OrgRules.DEFAULTS);
    }

    /** Compact, exact description of a route decision (formatting only, no logic). */
    static String describe(RouteDecision d) {
        if (d instanceof RouteDecision.Ring ring) {
            assertThat(ring.targets()).hasSize(1);
            RouteTarget t = ring.targets().get(0);
            return "ring " + t.sipUsername() + (t.wakeUp() ? " wake" : "");
        }
        if (d instanceof RouteDecision.Forward forward) {
            return "forward " + forward.forwardTo();
        }
        return "reject " + ((RouteDecision.Reject) d).reason().code();
    }

    // ------------------------------------------------------------------ the main table

    /** One row of the user table: a situation and every expected output. */
    static final class Row {
        final String name;
        final UserSituation situation;
        Availability availability;
        Reach reach;
        List<CallContext> context = List.of();
        List<ReasonCode> reasons;
        String internalRoute;
        String externalRoute;
        UserStatus effective;

        Row(String name, UserSituation situation) {
            this.name = name;
            this.situation = situation;
            this.effective = situation.status();
        }

        Row presence(Availability availability, Reach reach) {
            this.availability = availability;
            this.reach = reach;
            return this;
        }

        Row context(CallContext... context) {
            this.context = List.of(context);
            return this;
        }

        Row reasons(ReasonCode... reasons) {
            this.reasons = List.of(reasons);
            return this;
        }

        /** The same route for internal and external callers. */
        Row route(String both) {
            return routes(both, both);
        }

        Row routes(String internal, String external) {
            this.internalRoute = internal;
            this.externalRoute = external;
            return this;
        }

        Row effective(UserStatus effective) {
            this.effective = effective;
            return this;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Row row(String name, UserSituation situation) {
        return new Row(name, situation);
    }

    static Stream<Row> userTable() {
        return Stream.of(
                // --- status available
                row("FAQ I set myself available, why isn't my phone ringing? — desk phone registered: green and rings",
                        sit(AVAILABLE, TO_DESK, desk("reg")))
                        .presence(Availability.AVAILABLE, RINGS).reasons(OK).route("ring sip-desk"),
                row("FAQ I set myself available, why isn't my phone ringing? — desk phone unregistered: offline",
                        sit(AVAILABLE, TO_DESK, desk("unreg")))
                        .presence(Availability.OFFLINE, UNREACHABLE).reasons(DEVICE_UNREGISTERED)
                        .route("reject DEVICE_UNREGISTERED"),
                row("available · desk phone on DND", sit(AVAILABLE, TO_DESK, desk("reg dnd")))
                        .presence(Availability.DO_NOT_DISTURB, UNREACHABLE).reasons(DEVICE_DND).route("reject DEVICE_DND"),
                row("available · desk phone on DND and unregistered: deliberate DND shown first",
                        sit(AVAILABLE, TO_DESK, desk("dnd")))
                        .presence(Availability.DO_NOT_DISTURB, UNREACHABLE).reasons(DEVICE_DND, DEVICE_UNREGISTERED)
                        .route("reject DEVICE_DND"),
                row("available · desk phone registered, in a call on it", sit(AVAILABLE, TO_DESK, desk("reg incall")))
                        .presence(BUSY, RINGS).context(CallContext.IN_CALL).reasons(IN_CALL).route("ring sip-desk"),
                row("available · desk phone registered, ringing", sit(AVAILABLE, TO_DESK, desk("reg ringing")))
                        .presence(Availability.AVAILABLE, RINGS).context(CallContext.RINGING).reasons(OK)
                        .route("ring sip-desk"),
                row("FAQ green implies the route rings — available · webphone registered",
                        sit(AVAILABLE, TO_WEB, web("reg")))
                        .presence(Availability.AVAILABLE, RINGS).reasons(OK).route("ring sip-web"),
                row("available · webphone unregistered", sit(AVAILABLE, TO_WEB, web("")))
                        .presence(Availability.OFFLINE, UNREACHABLE).reasons(DEVICE_UNREGISTERED)
                        .route("reject DEVICE_UNREGISTERED"),
                row("available · webphone on DND", sit(AVAILABLE, TO_WEB, web("reg dnd")))
                        .presence(Availability.DO_NOT_DISTURB, UNREACHABLE).reasons(DEVICE_DND).route("reject DEVICE_DND"),
                row("available · softphone registered", sit(AVAILABLE, TO_SOFT, soft("reg")))
                        .presence(Availability.AVAILABLE, RINGS).reasons(OK).route("ring sip-soft"),
                row("available · softphone unregistered", sit(AVAILABLE, TO_SOFT, soft("")))
                        .presence(Availability.OFFLINE, UNREACHABLE).reasons(DEVICE_UNREGISTERED)
                        .route("reject DEVICE_UNREGISTERED"),
                row("available · softphone on DND", sit(AVAILABLE, TO_SOFT, soft("reg dnd")))
                        .presence(Availability.DO_NOT_DISTURB, UNREACHABLE).reasons(DEVICE_DND).route("reject DEVICE_DND"),
                row("available · app registered, no push device", sit(AVAILABLE, TO_APP, app("reg")))
                        .presence(Availability.AVAILABLE, RINGS).reasons(OK).route("ring sip-app"),
                row("available · app registered with push device: no wake-up needed",
                        sit(AVAILABLE, TO_APP, app("reg push")))
                        .presence(Availability.AVAILABLE, RINGS).reasons(OK).route("ring sip-app"),
                row("FAQ green implies the route rings — available · app unregistered with push: wake up",
                        sit(AVAILABLE, TO_APP, app("push")))
                        .presence(Availability.AVAILABLE, RINGS).reasons(OK).route("ring sip-app wake"),
                row("available · app unregistered, no push device", sit(AVAILABLE, TO_APP, app("")))
                        .presence(Availability.OFFLINE, UNREACHABLE).reasons(APP_NO_PUSH_DEVICE)
                        .route("reject APP_NO_PUSH_DEVICE"),
                row("available · app on DND, unregistered with push", sit(AVAILABLE, TO_APP, app("dnd push")))
                        .presence(Availability.DO_NOT_DISTURB, UNREACHABLE).reasons(DEVICE_DND).route("reject DEVICE_DND"),
                row("available · app on DND, unregistered, no push", sit(AVAILABLE, TO_APP, app("dnd")))
                        .presence(Availability.DO_NOT_DISTURB, UNREACHABLE).reasons(DEVICE_DND, APP_NO_PUSH_DEVICE)
                        .route("reject DEVICE_DND"),
                row("FAQ green implies the route rings — available · fixed destination: forwarded",
                        sit(AVAILABLE, TO_MOBILE, desk("unreg")))
                        .presence(Availability.AVAILABLE, FORWARDED).reasons(OK).route("forward +31612345678"),
                row("available · no destination", sit(AVAILABLE, NONE, desk("reg")))
                        .presence(Availability.OFFLINE, UNREACHABLE).reasons(NO_DESTINATION).route("reject NO_DESTINATION"),
                row("available · no destination and no devices at all", sit(AVAILABLE, NONE))
                        .presence(Availability.OFFLINE, UNREACHABLE).reasons(NO_DESTINATION).route("reject NO_DESTINATION"),
                row("available · destination names a device the user no longer owns",
                        sit(AVAILABLE, TO_GONE_DEVICE, desk("reg")))
                        .presence(Availability.OFFLINE, UNREACHABLE).reasons(NO_DESTINATION).route("reject NO_DESTINATION"),
                row("available · destination names a deleted fixed destination", sit(AVAILABLE, TO_GONE_FIXED, desk("reg")))
                        .presence(Availability.OFFLINE, UNREACHABLE).reasons(NO_DESTINATION).route("reject NO_DESTINATION"),
                row("available · selected desk phone unregistered, other desk phone registered: no fallback",
                        sit(AVAILABLE, TO_DESK, desk(""), otherDesk("reg")))
                        .presence(Availability.OFFLINE, UNREACHABLE).reasons(DEVICE_UNREGISTERED)
                        .route("reject DEVICE_UNREGISTERED"),
                row("available · desk phone flagged with push but unregistered: push only counts for apps",
                        sit(AVAILABLE, TO_DESK, desk("push")))
                        .presence(Availability.OFFLINE, UNREACHABLE).reasons(DEVICE_UNREGISTERED)
                        .route("reject DEVICE_UNREGISTERED"),
                row("available · in a call on another device: busy, still rings (call waiting)",
                        sit(AVAILABLE, TO_DESK, desk("reg"), otherDesk("reg incall")))
                        .presence(BUSY, RINGS).context(CallContext.IN_CALL).reasons(IN_CALL).route("ring sip-desk"),
                row("available · selected desk unregistered while in a call elsewhere: busy, reasons list both",
                        sit(AVAILABLE, TO_DESK, desk(""), otherDesk("reg incall")))
                        .presence(BUSY, UNREACHABLE).context(CallContext.IN_CALL).reasons(DEVICE_UNREGISTERED, IN_CALL)
                        .route("reject DEVICE_UNREGISTERED"),
                row("available · fixed destination while in a call on the desk phone",
                        sit(AVAILABLE, TO_MOBILE, desk("reg incall")))
                        .presence(BUSY, FORWARDED).context(CallContext.IN_CALL).reasons(IN_CALL)
                        .route("forward +31612345678"),
                row("available · ringing on one device, in a call on another",
                        sit(AVAILABLE, TO_WEB, web("reg"), desk("reg ringing"), otherDesk("reg incall")))
                        .presence(BUSY, RINGS).context(CallContext.RINGING, CallContext.IN_CALL).reasons(IN_CALL)
                        .route("ring sip-web"),
                row("available · second call ringing on the device that is in a call",
                        sit(AVAILABLE, TO_DESK, desk("reg ringing incall")))
                        .presence(BUSY, RINGS).context(CallContext.RINGING, CallContext.IN_CALL).reasons(IN_CALL)
                        .route("ring sip-desk"),
                row("available · no destination while in a call", sit(AVAILABLE, NONE, desk("reg incall")))
                        .presence(BUSY, UNREACHABLE).context(CallContext.IN_CALL).reasons(NO_DESTINATION, IN_CALL)
                        .route("reject NO_DESTINATION"),

                // --- status available_for_colleagues
                row("FAQ Available for colleagues only — desk phone registered: internal rings, external rejected",
                        sit(AVAILABLE_FOR_COLLEAGUES, TO_DESK, desk("reg")))
                        .presence(Availability.AVAILABLE_FOR_COLLEAGUES, RINGS).reasons(COLLEAGUES_ONLY)
                        .routes("ring sip-desk", "reject COLLEAGUES_ONLY"),
                row("colleagues-only · desk phone unregistered", sit(AVAILABLE_FOR_COLLEAGUES, TO_DESK, desk("")))
                        .presence(Availability.OFFLINE, UNREACHABLE).reasons(DEVICE_UNREGISTERED, COLLEAGUES_ONLY)
                        .routes("reject DEVICE_UNREGISTERED", "reject COLLEAGUES_ONLY"),
                row("colleagues-only · desk phone on DND", sit(AVAILABLE_FOR_COLLEAGUES, TO_DESK, desk("reg dnd")))
                        .presence(Availability.DO_NOT_DISTURB, UNREACHABLE).reasons(DEVICE_DND, COLLEAGUES_ONLY)
                        .routes("reject DEVICE_DND", "reject COLLEAGUES_ONLY"),
                row("colleagues-only · webphone registered", sit(AVAILABLE_FOR_COLLEAGUES, TO_WEB, web("reg")))
                        .presence(Availability.AVAILABLE_FOR_COLLEAGUES, RINGS).reasons(COLLEAGUES_ONLY)
                        .routes("ring sip-web", "reject COLLEAGUES_ONLY"),
                row("colleagues-only · softphone registered", sit(AVAILABLE_FOR_COLLEAGUES, TO_SOFT, soft("reg")))
                        .presence(Availability.AVAILABLE_FOR_COLLEAGUES, RINGS).reasons(COLLEAGUES_ONLY)
                        .routes("ring sip-soft", "reject COLLEAGUES_ONLY"),
                row("colleagues-only · app unregistered with push", sit(AVAILABLE_FOR_COLLEAGUES, TO_APP, app("push")))
                        .presence(Availability.AVAILABLE_FOR_COLLEAGUES, RINGS).reasons(COLLEAGUES_ONLY)
                        .routes("ring sip-app wake", "reject COLLEAGUES_ONLY"),
                row("colleagues-only · app unregistered, no push", sit(AVAILABLE_FOR_COLLEAGUES, TO_APP, app("")))
                        .presence(Availability.OFFLINE, UNREACHABLE).reasons(APP_NO_PUSH_DEVICE, COLLEAGUES_ONLY)
                        .routes("reject APP_NO_PUSH_DEVICE", "reject COLLEAGUES_ONLY"),
                row("FAQ green implies the route rings — colleagues-only · fixed destination: forwarded internally",
                        sit(AVAILABLE_FOR_COLLEAGUES, TO_MOBILE))
                        .presence(Availability.AVAILABLE_FOR_COLLEAGUES, FORWARDED).reasons(COLLEAGUES_ONLY)
                        .routes("forward +31612345678", "reject COLLEAGUES_ONLY"),
                row("colleagues-only · no destination", sit(AVAILABLE_FOR_COLLEAGUES, NONE, desk("reg")))
                        .presence(Availability.OFFLINE, UNREACHABLE).reasons(NO_DESTINATION, COLLEAGUES_ONLY)
                        .routes("reject NO_DESTINATION", "reject COLLEAGUES_ONLY"),
                row("colleagues-only · in a call", sit(AVAILABLE_FOR_COLLEAGUES, TO_DESK, desk("reg incall")))
                        .presence(BUSY, RINGS).context(CallContext.IN_CALL).reasons(COLLEAGUES_ONLY, IN_CALL)
                        .routes("ring sip-desk", "reject COLLEAGUES_ONLY"),
                row("colleagues-only · ringing", sit(AVAILABLE_FOR_COLLEAGUES, TO_DESK, desk("reg ringing")))
                        .presence(Availability.AVAILABLE_FOR_COLLEAGUES, RINGS).context(CallContext.RINGING)
                        .reasons(COLLEAGUES_ONLY).routes("ring sip-desk", "reject COLLEAGUES_ONLY"),
                row("colleagues-only until a past instant: expired, external callers ring again",
                        sit(AVAILABLE_FOR_COLLEAGUES, NOW.minusSeconds(60), TO_DESK, desk("reg")))
                        .presence(Availability.AVAILABLE, RINGS).reasons(OK).route("ring sip-desk").effective(AVAILABLE),

                // --- status do_not_disturb
                row("dnd · desk phone registered", sit(DO_NOT_DISTURB, TO_DESK, desk("reg")))
                        .presence(Availability.DO_NOT_DISTURB, UNREACHABLE).reasons(STATUS_DND).route("reject STATUS_DND"),
                row("dnd · desk phone unregistered: lists what stays wrong after DND ends",
                        sit(DO_NOT_DISTURB, TO_DESK, desk("")))
                        .presence(Availability.DO_NOT_DISTURB, UNREACHABLE).reasons(STATUS_DND, DEVICE_UNREGISTERED)
                        .route("reject STATUS_DND"),
                row("dnd · desk phone also on device DND", sit(DO_NOT_DISTURB, TO_DESK, desk("reg dnd")))
                        .presence(Availability.DO_NOT_DISTURB, UNREACHABLE).reasons(STATUS_DND, DEVICE_DND)
                        .route("reject STATUS_DND"),
                row("dnd · app with push", sit(DO_NOT_DISTURB, TO_APP, app("push")))
                        .presence(Availability.DO_NOT_DISTURB, UNREACHABLE).reasons(STATUS_DND).route("reject STATUS_DND"),
                row("dnd · softphone registered", sit(DO_NOT_DISTURB, TO_SOFT, soft("reg")))
                        .presence(Availability.DO_NOT_DISTURB, UNREACHABLE).reasons(STATUS_DND).route("reject STATUS_DND"),
                row("dnd · fixed destination", sit(DO_NOT_DISTURB, TO_MOBILE))
                        .presence(Availability.DO_NOT_DISTURB, UNREACHABLE).reasons(STATUS_DND).route("reject STATUS_DND"),
                row("dnd · no destination", sit(DO_NOT_DISTURB, NONE))
                        .presence(Availability.DO_NOT_DISTURB, UNREACHABLE).reasons(STATUS_DND, NO_DESTINATION)
                        .route("reject STATUS_DND"),
                row("dnd · in a call: busy wins", sit(DO_NOT_DISTURB, TO_DESK, desk("reg incall")))
                        .presence(BUSY, UNREACHABLE).context(CallContext.IN_CALL).reasons(STATUS_DND, IN_CALL)
                        .route("reject STATUS_DND"),
                row("dnd · ringing (e.g. a direct device call with the org flag off)",
                        sit(DO_NOT_DISTURB, TO_DESK, desk("reg ringing")))
                        .presence(Availability.DO_NOT_DISTURB, UNREACHABLE).context(CallContext.RINGING)
                        .reasons(STATUS_DND).route("reject STATUS_DND"),
                row("dnd until a future instant: still DND", sit(DO_NOT_DISTURB, NOW.plusSeconds(3600), TO_DESK, desk("reg")))
                        .presence(Availability.DO_NOT_DISTURB, UNREACHABLE).reasons(STATUS_DND).route("reject STATUS_DND"),
                row("dnd until exactly now: expired, available again", sit(DO_NOT_DISTURB, NOW, TO_DESK, desk("reg")))
                        .presence(Availability.AVAILABLE, RINGS).reasons(OK).route("ring sip-desk").effective(AVAILABLE),
                row("dnd until a past instant, desk phone unregistered: expired, offline",
                        sit(DO_NOT_DISTURB, NOW.minusSeconds(1), TO_DESK, desk("")))
                        .presence(Availability.OFFLINE, UNREACHABLE).reasons(DEVICE_UNREGISTERED)
                        .route("reject DEVICE_UNREGISTERED").effective(AVAILABLE),

                // --- status offline
                row("offline · desk phone registered", sit(OFFLINE, TO_DESK, desk("reg")))
                        .presence(Availability.OFFLINE, UNREACHABLE).reasons(STATUS_OFFLINE).route("reject STATUS_OFFLINE"),
                row("offline · desk phone on DND: status decides the presence", sit(OFFLINE, TO_DESK, desk("reg dnd")))
                        .presence(Availability.OFFLINE, UNREACHABLE).reasons(STATUS_OFFLINE, DEVICE_DND)
                        .route("reject STATUS_OFFLINE"),
                row("offline · desk phone unregistered", sit(OFFLINE, TO_DESK, desk("")))
                        .presence(Availability.OFFLINE, UNREACHABLE).reasons(STATUS_OFFLINE, DEVICE_UNREGISTERED)
                        .route("reject STATUS_OFFLINE"),
                row("offline · webphone registered", sit(OFFLINE, TO_WEB, web("reg")))
                        .presence(Availability.OFFLINE, UNREACHABLE).reasons(STATUS_OFFLINE).route("reject STATUS_OFFLINE"),
                row("offline · app unregistered, no push", sit(OFFLINE, TO_APP, app("")))
                        .presence(Availability.OFFLINE, UNREACHABLE).reasons(STATUS_OFFLINE, APP_NO_PUSH_DEVICE)
                        .route("reject STATUS_OFFLINE"),
                row("offline · fixed destination", sit(OFFLINE, TO_MOBILE))
                        .presence(Availability.OFFLINE, UNREACHABLE).reasons(STATUS_OFFLINE).route("reject STATUS_OFFLINE"),
                row("offline · no destination", sit(OFFLINE, NONE))
                        .presence(Availability.OFFLINE, UNREACHABLE).reasons(STATUS_OFFLINE, NO_DESTINATION)
                        .route("reject STATUS_OFFLINE"),
                row("offline · in a call: busy is unconditional", sit(OFFLINE, TO_DESK, desk("reg incall")))
                        .presence(BUSY, UNREACHABLE).context(CallContext.IN_CALL).reasons(STATUS_OFFLINE, IN_CALL)
                        .route("reject STATUS_OFFLINE"),
                row("offline until one second from now: still offline",
                        sit(OFFLINE, NOW.plusSeconds(1), TO_DESK, desk("reg")))
                        .presence(Availability.OFFLINE, UNREACHABLE).reasons(STATUS_OFFLINE).route("reject STATUS_OFFLINE"),
                row("offline until a past instant, fixed destination: expired, forwarded",
                        sit(OFFLINE, NOW.minus(Duration.ofDays(1)), TO_MOBILE))
                        .presence(Availability.AVAILABLE, FORWARDED).reasons(OK).route("forward +31612345678")
                        .effective(AVAILABLE),
                row("available with an until: nothing changes when it passes",
                        sit(AVAILABLE, NOW.minusSeconds(5), TO_DESK, desk("reg")))
                        .presence(Availability.AVAILABLE, RINGS).reasons(OK).route("ring sip-desk"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("userTable")
    void derivesPresenceReachabilityAndRoute(Row row) {
        PresenceDerivation.Derived derived = PresenceDerivation.derive(row.situation, NOW);
        PresenceState p = derived.presence();
        Reachability r = derived.reachability();
        RouteDecision internal = PresenceDerivation.routeToUser(row.situation, true, NOW);
        RouteDecision external = PresenceDerivation.routeToUser(row.situation, false, NOW);

        assertThat(p.availability()).as("availability").isEqualTo(row.availability);
        assertThat(p.reach()).as("reach").isEqualTo(row.reach);
        assertThat(p.context()).as("context").isEqualTo(row.context);
        assertThat(p.effectiveStatus()).as("effective status").isEqualTo(row.effective);
        assertThat(r.codes()).as("reasons").isEqualTo(row.reasons);
        assertThat(describe(internal)).as("internal route").isEqualTo(row.internalRoute);
        assertThat(describe(external)).as("external route").isEqualTo(row.externalRoute);
        assertThat(r.internal()).as("reachability.internal").isEqualTo(!row.internalRoute.startsWith("reject"));
        assertThat(r.external()).as("reachability.external").isEqualTo(!row.externalRoute.startsWith("reject"));
        assertThat(r.reasons()).allSatisfy(reason -> assertThat(reason.message()).isNotBlank());
    }

    /** Dutch changes the words, never the codes, the presence or the route. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("userTable")
    void dutchSaysTheSameInOtherWords(Row row) {
        Messages dutch = Messages.of(Language.NL);
        PresenceDerivation.Derived english = PresenceDerivation.derive(row.situation, NOW);
        PresenceDerivation.Derived nl = PresenceDerivation.derive(row.situation, NOW, dutch);

        assertThat(nl.presence()).isEqualTo(english.presence());
        assertThat(nl.reachability().codes()).isEqualTo(english.reachability().codes());
        assertThat(describe(PresenceDerivation.routeToUser(row.situation, true, NOW, dutch))).isEqualTo(row.internalRoute);
        assertThat(describe(PresenceDerivation.routeToUser(row.situation, false, NOW, dutch))).isEqualTo(row.externalRoute);
        for (int i = 0; i < english.reachability().reasons().size(); i++) {
            String words = nl.reachability().reasons().get(i).message();
            assertThat(words).isNotBlank().isNotEqualTo(english.reachability().reasons().get(i).message());
            assertThat(words).doesNotContain("calls to you", "{");
        }
        List<Reachability.Words> plan = nl.reachability().plan();
        assertThat(plan).hasSameSizeAs(english.reachability().plan());
        for (int i = 0; i < plan.size(); i++) {
            Reachability.Words en = english.reachability().plan().get(i);
            assertThat(plan.get(i).words()).isNotEqualTo(en.words()).doesNotContain("{");
            assertThat(new Object[] { plan.get(i).step(), plan.get(i).ringSeconds(), plan.get(i).fallback() })
                    .containsExactly(en.step(), en.ringSeconds(), en.fallback());
        }
    }

    // ------------------------------------------------------------------ direct calls to a device

    record DeviceRow(String name, DeviceState device, UserSituation owner, boolean applyUserStatusToDevices,
            boolean internalCaller, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<DeviceRow> deviceTable() {
        UserSituation ownerDnd = sit(DO_NOT_DISTURB, TO_DESK, desk("reg"));
        UserSituation ownerOffline = sit(OFFLINE, TO_DESK, desk("reg"));
        UserSituation ownerColleagues = sit(AVAILABLE_FOR_COLLEAGUES, TO_DESK, desk("reg"));
        UserSituation ownerAvailable = sit(AVAILABLE, TO_DESK, desk("reg"));
        return Stream.of(
                new DeviceRow("unowned desk phone registered", desk("reg"), null, true, false, "ring sip-desk"),
                new DeviceRow("unowned desk phone unregistered", desk(""), null, true, true, "reject DEVICE_UNREGISTERED"),
                new DeviceRow("unowned desk phone on DND", desk("reg dnd"), null, true, true, "reject DEVICE_DND"),
                new DeviceRow("unowned desk phone on DND and unregistered", desk("dnd"), null, true, true, "reject DEVICE_DND"),
                new DeviceRow("app registered", app("reg"), null, true, true, "ring sip-app"),
                new DeviceRow("app unregistered with push: wake up", app("push"), null, true, true, "ring sip-app wake"),
                new DeviceRow("app unregistered without push", app(""), null, true, true, "reject APP_NO_PUSH_DEVICE"),
                new DeviceRow("webphone unregistered", web(""), null, true, true, "reject DEVICE_UNREGISTERED"),
                new DeviceRow("softphone registered, external caller", soft("reg"), null, true, false, "ring sip-soft"),
                new DeviceRow("FAQ Why is my phone ringing though I set myself unavailable? — flag on: rejected",
                        desk("reg"), ownerDnd, true, true, "reject STATUS_DND"),
                new DeviceRow("FAQ Why is my phone ringing though I set myself unavailable? — admin set the flag off: rings",
                        desk("reg"), ownerDnd, false, true, "ring sip-desk"),
                new DeviceRow("owner offline, flag on", desk("reg"), ownerOffline, true, false, "reject STATUS_OFFLINE"),
                new DeviceRow("owner offline, flag off", desk("reg"), ownerOffline, false, false, "ring sip-desk"),
                new DeviceRow("owner DND expired, flag on", desk("reg"),
                        sit(DO_NOT_DISTURB, NOW.minusSeconds(1), TO_DESK, desk("reg")), true, true, "ring sip-desk"),
                new DeviceRow("owner DND until later, flag on", desk("reg"),
                        sit(DO_NOT_DISTURB, NOW.plusSeconds(60), TO_DESK, desk("reg")), true, true, "reject STATUS_DND"),
                new DeviceRow("owner colleagues-only, external caller, flag on", desk("reg"), ownerColleagues, true, false,
                        "reject COLLEAGUES_ONLY"),
                new DeviceRow("owner colleagues-only, internal caller, flag on", desk("reg"), ownerColleagues, true, true,
                        "ring sip-desk"),
                new DeviceRow("owner colleagues-only, external caller, flag off", desk("reg"), ownerColleagues, false, false,
                        "ring sip-desk"),
                new DeviceRow("owner DND, flag off, device on DND", desk("reg dnd"), ownerDnd, false, true, "reject DEVICE_DND"),
                new DeviceRow("owner DND, flag on, device unregistered: status first", desk(""), ownerDnd, true, true,
                        "reject STATUS_DND"),
                new DeviceRow("owner available with a fixed destination: direct call still rings the device", desk("reg"),
                        sit(AVAILABLE, TO_MOBILE, desk("reg")), true, false, "ring sip-desk"),
                new DeviceRow("owner available with no destination: direct call still rings", desk("reg"),
                        sit(AVAILABLE, NONE, desk("reg")), true, true, "ring sip-desk"),
                new DeviceRow("owner in a call: direct call still rings (call waiting)", desk("reg incall"),
                        sit(AVAILABLE, TO_DESK, desk("reg incall")), true, true, "ring sip-desk"),
                new DeviceRow("owner available, device unregistered", desk(""), ownerAvailable, true, true,
                        "reject DEVICE_UNREGISTERED"),
                new DeviceRow("owner offline, flag on, app with push", app("push"),
                        sit(OFFLINE, TO_APP, app("push")), true, true, "reject STATUS_OFFLINE"),
                new DeviceRow("owner offline, flag off, app with push: wake up", app("push"),
                        sit(OFFLINE, TO_APP, app("push")), false, true, "ring sip-app wake"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deviceTable")
    void routesDirectDeviceCalls(DeviceRow row) {
        RouteDecision decision = PresenceDerivation.routeToDevice(
                row.device(), row.owner(), row.applyUserStatusToDevices(), row.internalCaller(), NOW);
        assertThat(describe(decision)).isEqualTo(row.expected());
        if (decision instanceof RouteDecision.Ring ring) {
            assertThat(ring.targets().get(0).voipAccountId()).isEqualTo(row.device().voipAccountId());
            assertThat(ring.targets().get(0).kind()).isEqualTo(row.device().kind());
        }
    }

    // ------------------------------------------------------------------ messages

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            DEVICE_UNREGISTERED  | Your desk phone 201 (Hall) is not registered — calls to you will not ring.
            DEVICE_DND           | Your desk phone 201 (Hall) is on do not disturb — calls to you will not ring.
            APP_NO_PUSH_DEVICE   | Your app 203 (iPhone) is not connected and has no push device to wake it — calls to you will not ring.
            NO_DESTINATION       | You have not chosen where calls should ring — calls to you will not ring.
            STATUS_DND           | Your status is do not disturb until 2025-06-02T14:00:00Z — calls to you will not ring.
            STATUS_OFFLINE       | Your status is offline — calls to you will not ring.
            COLLEAGUES_ONLY      | Your status is available for colleagues only — calls from outside your organization will not reach you.
            OK                   | Calls to you ring on your desk phone 201 (Hall).
            OK_FORWARD           | Calls to you are forwarded to +31612345678 (Mobile).
            OK_WAKE              | Calls to you ring on your app 203 (iPhone), waking it by push first.
            """)
    void reasonMessagesNameTheDevice(String key, String expectedMessage) {
        UserSituation s = switch (key) {
            case "DEVICE_UNREGISTERED" -> sit(AVAILABLE, TO_DESK, desk(""));
            case "DEVICE_DND" -> sit(AVAILABLE, TO_DESK, desk("reg dnd"));
            case "APP_NO_PUSH_DEVICE" -> sit(AVAILABLE, TO_APP, app(""));
            case "NO_DESTINATION" -> sit(AVAILABLE, NONE);
            case "STATUS_DND" -> sit(DO_NOT_DISTURB, Instant.parse("2025-06-02T14:00:00Z"), TO_DESK, desk("reg"));
            case "STATUS_OFFLINE" -> sit(OFFLINE, TO_DESK, desk("reg"));
            case "COLLEAGUES_ONLY" -> sit(AVAILABLE_FOR_COLLEAGUES, TO_DESK, desk("reg"));
            case "OK" -> sit(AVAILABLE, TO_DESK, desk("reg"));
            case "OK_FORWARD" -> sit(AVAILABLE, TO_MOBILE);
            case "OK_WAKE" -> sit(AVAILABLE, TO_APP, app("push"));
            default -> throw new IllegalArgumentException(key);
        };
        Reachability r = PresenceDerivation.derive(s, NOW).reachability();
        assertThat(r.reasons()).hasSize(1);
        assertThat(r.reasons().get(0).message()).isEqualTo(expectedMessage);
    }

    @Test
    void inCallReasonExplainsCallWaiting() {
        Reason reason = PresenceDerivation.derive(sit(AVAILABLE, TO_DESK, desk("reg incall")), NOW)
                .reachability().reasons().get(0);
        assertThat(reason.code()).isEqualTo(IN_CALL);
        assertThat(reason.message()).contains("busy").contains("call waiting");
    }

    @Test
    void routeReasonsAreHuman() {
        assertThat(PresenceDerivation.routeToUser(sit(AVAILABLE, TO_DESK, desk("reg")), true, NOW))
                .isEqualTo(new RouteDecision.Ring(
                        List.of(new RouteTarget(DESK_ID, "sip-desk", DeviceKind.DESK_PHONE, false)),
                        "Ringing the selected desk phone 201 (Hall)."));
        assertThat(PresenceDerivation.routeToUser(sit(AVAILABLE, TO_APP, app("push")), true, NOW))
                .isEqualTo(new RouteDecision.Ring(
                        List.of(new RouteTarget(APP_ID, "sip-app", DeviceKind.APP, true)),
                        "Waking the selected app 203 (iPhone) by push, then ringing it."));
        assertThat(PresenceDerivation.routeToUser(sit(AVAILABLE, TO_MOBILE), false, NOW))
                .isEqualTo(new RouteDecision.Forward("+31612345678",
                        "Forwarding to the selected fixed destination +31612345678 (Mobile)."));
        assertThat(PresenceDerivation.routeToDevice(desk("reg"), null, true, true, NOW))
                .isEqualTo(new RouteDecision.Ring(
                        List.of(new RouteTarget(DESK_ID, "sip-desk", DeviceKind.DESK_PHONE, false)),
                        "Ringing desk phone 201 (Hall)."));
        assertThat(PresenceDerivation.routeToDevice(desk(""), null, true, true, NOW))
                .isEqualTo(new RouteDecision.Reject(new Reason(DEVICE_UNREGISTERED,
                        "Desk phone 201 (Hall) is not registered — calls to this device will not ring.")));
        assertThat(PresenceDerivation.routeToDevice(desk("reg"), sit(DO_NOT_DISTURB, TO_DESK, desk("reg")), true, true, NOW))
                .isEqualTo(new RouteDecision.Reject(new Reason(STATUS_DND,
                        "The owner of desk phone 201 (Hall) is on do not disturb — calls to this device will not ring.")));
    }

    // ------------------------------------------------------------------ org setting showCallContext

    @ParameterizedTest(name = "showCallContext={0}, device flags \"{1}\" → colleagues see [{2}] as {3}")
    @CsvSource(delimiter = '|', textBlock = """
            true  | reg incall         | in_call         | BUSY
            false | reg incall         | ''              | BUSY
            true  | reg ringing        | ringing         | AVAILABLE
            false | reg ringing        | ''              | AVAILABLE
            true  | reg ringing incall | ringing in_call | BUSY
            false | reg ringing incall | ''              | BUSY
            true  | reg                | ''              | AVAILABLE
            false | reg                | ''              | AVAILABLE
            """)
    void callContextVisibilityFollowsTheOrgSetting(boolean showCallContext, String flags, String expectedContext,
            Availability expectedAvailability) {
        OrgRules rules = new OrgRules(true, showCallContext);
        UserSituation s = new UserSituation(USER, AVAILABLE, null, TO_DESK, List.of(desk(flags)), List.of(), rules);
        PresenceState p = PresenceDerivation.derive(s, NOW).presence();
        List<CallContext> expected = expectedContext.isEmpty() ? List.of()
                : Arrays.stream(expectedContext.split(" ")).map(CallContext::fromWire).toList();
        assertThat(p.contextForColleagues(rules)).isEqualTo(expected);
        assertThat(p.availability()).isEqualTo(expectedAvailability);
    }

    // ------------------------------------------------------------------ effective status

    @ParameterizedTest(name = "{0} until {1} → {2}")
    @CsvSource(textBlock = """
            do_not_disturb,            ,                     do_not_disturb
            do_not_disturb,            2025-06-02T10:00:01Z, do_not_disturb
            do_not_disturb,            2025-06-02T10:00:00Z, available
            do_not_disturb,            2025-06-02T09:59:59Z, available
            offline,                   2025-06-02T10:00:00Z, available
            offline,                   2025-06-03T00:00:00Z, offline
            available_for_colleagues,  2025-06-01T00:00:00Z, available
            available_for_colleagues,  ,                     available_for_colleagues
            available,                 2025-06-01T00:00:00Z, available
            """)
    void statusExpiresAtUntil(String status, String until, String expected) {
        assertThat(PresenceDerivation.effectiveStatus(
                UserStatus.fromWire(status), until == null ? null : Instant.parse(until), NOW))
                .isEqualTo(UserStatus.fromWire(expected));
    }

    // ------------------------------------------------------------------ invariants over a cross product

    static List<UserSituation> crossProduct() {
        List<Destination> destinations = Arrays.asList(TO_DESK, TO_WEB, TO_SOFT, TO_APP, TO_MOBILE, NONE, TO_GONE_DEVICE);
        List<Instant> untils = Arrays.asList(null, NOW.plusSeconds(600), NOW.minusSeconds(600), NOW);
        List<UserSituation> all = new ArrayList<>();
        for (UserStatus status : UserStatus.values()) {
            for (Instant until : untils) {
                for (Destination destination : destinations) {
                    for (int bits = 0; bits < 32; bits++) {
                        for (boolean otherInCall : new boolean[] {false, true}) {
                            String flags = ((bits & 1) != 0 ? "reg " : "") + ((bits & 2) != 0 ? "dnd " : "")
                                    + ((bits & 4) != 0 ? "push " : "") + ((bits & 8) != 0 ? "ringing " : "")
                                    + ((bits & 16) != 0 ? "incall" : "");
                            // The selected device (when it is one) carries the flags; the others are idle.
                            List<DeviceState> devices = List.of(
                                    TO_DESK.equals(destination) ? desk(flags) : desk("reg"),
                                    TO_WEB.equals(destination) ? web(flags) : web(""),
                                    TO_SOFT.equals(destination) ? soft(flags) : soft("reg"),
                                    TO_APP.equals(destination) || destination == null ? app(flags) : app("push"),
                                    otherDesk(otherInCall ? "reg incall" : "reg"));
                            for (boolean show : new boolean[] {false, true}) {
                                all.add(new UserSituation(USER, status, until, destination, devices, List.of(MOBILE),
                                        new OrgRules(true, show)));
                            }
                        }
                    }
                }
            }
        }
        return all;
    }

    @Test
    void invariantsHoldForEveryCombination() {
        List<UserSituation> all = crossProduct();
        assertThat(all).hasSize(4 * 4 * 7 * 32 * 2 * 2);
        Function<RouteDecision, Reach> reachOfAction = d -> switch (d.action()) {
            case "ring" -> RINGS;
            case "forward" -> FORWARDED;
            case "reject" -> UNREACHABLE;
            default -> throw new AssertionError(d.action());
        };
        for (UserSituation s : all) {
            PresenceDerivation.Derived derived = PresenceDerivation.derive(s, NOW);
            PresenceState p = derived.presence();
            Reachability r = derived.reachability();
            RouteDecision internal = PresenceDerivation.routeToUser(s, true, NOW);
            RouteDecision external = PresenceDerivation.routeToUser(s, false, NOW);
            String ctx = s.toString();

            // FAQ green implies the route rings.
            if (p.availability() == Availability.AVAILABLE || p.availability() == Availability.AVAILABLE_FOR_COLLEAGUES) {
                assertThat(internal).as(ctx).isNotInstanceOf(RouteDecision.Reject.class);
            }
            // Presence and routing never disagree.
            assertThat(p.reach()).as(ctx).isEqualTo(reachOfAction.apply(internal));
            assertThat(r.internal()).as(ctx).isEqualTo(!(internal instanceof RouteDecision.Reject));
            assertThat(r.external()).as(ctx).isEqualTo(!(external instanceof RouteDecision.Reject));
            // Whoever an external caller reaches, a colleague reaches too.
            assertThat(!r.external() || r.internal()).as(ctx).isTrue();
            // The first reason is the one that rejects a colleague's call.
            if (internal instanceof RouteDecision.Reject reject) {
                assertThat(r.reasons().get(0)).as(ctx).isEqualTo(reject.reason());
            }
            // OK stands alone and means fully reachable.
            if (r.codes().contains(OK)) {
                assertThat(r.codes()).as(ctx).containsExactly(OK);
                assertThat(r.internal() && r.external()).as(ctx).isTrue();
            }
            assertThat(r.codes()).as(ctx).doesNotHaveDuplicates().isNotEmpty();
            // Busy exactly while in a call on any owned device.
            boolean inCall = s.devices().stream().anyMatch(DeviceState::inCall);
            assertThat(p.availability() == BUSY).as(ctx).isEqualTo(inCall);
            assertThat(r.codes().contains(IN_CALL)).as(ctx).isEqualTo(inCall);
            // Call context is hidden from colleagues when the org says so.
            if (!s.rules().showCallContext()) {
                assertThat(p.contextForColleagues(s.rules())).as(ctx).isEmpty();
            } else {
                assertThat(p.contextForColleagues(s.rules())).as(ctx).isEqualTo(p.context());
            }
            // Pure: the same input gives the same output.
            assertThat(PresenceDerivation.derive(s, NOW)).as(ctx).isEqualTo(derived);
        }
    }

    @Test
    void ownerStatusAppliesToDirectDeviceCallsOnlyWhenTheOrgSaysSo() {
        DeviceState[] devices = {desk("reg"), desk(""), desk("reg dnd"), app("push"), app(""), app("reg"), web("reg")};
        for (UserSituation owner : crossProduct()) {
            UserStatus effective = PresenceDerivation.effectiveStatus(owner.status(), owner.until(), NOW);
            for (DeviceState device : devices) {
                for (boolean internalCaller : new boolean[] {true, false}) {
                    RouteDecision unowned = PresenceDerivation.routeToDevice(device, null, true, internalCaller, NOW);
                    RouteDecision flagOff = PresenceDerivation.routeToDevice(device, owner, false, internalCaller, NOW);
                    RouteDecision flagOn = PresenceDerivation.routeToDevice(device, owner, true, internalCaller, NOW);
                    assertThat(flagOff).isEqualTo(unowned);
                    if (effective == DO_NOT_DISTURB || effective == OFFLINE) {
                        // "I set myself unavailable but my phone still rings" cannot happen with the flag on.
                        assertThat(flagOn).isInstanceOf(RouteDecision.Reject.class);
                        assertThat(((RouteDecision.Reject) flagOn).reason().code())
                                .isEqualTo(effective == OFFLINE ? STATUS_OFFLINE : STATUS_DND);
                    } else if (effective == AVAILABLE || internalCaller) {
                        assertThat(flagOn).isEqualTo(unowned);
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ JSON wire format

    @Test
    void enumsUseTheirWireValues() {
        assertThat(Arrays.stream(UserStatus.values()).map(UserStatus::wire))
                .containsExactly("available", "available_for_colleagues", "do_not_disturb", "offline");
        assertThat(Arrays.stream(DeviceKind.values()).map(DeviceKind::wire))
                .containsExactly("desk_phone", "webphone", "app", "softphone");
        assertThat(Arrays.stream(Availability.values()).map(Availability::wire))
                .containsExactly("available", "available_for_colleagues", "do_not_disturb", "busy", "offline");
        assertThat(Arrays.stream(Reach.values()).map(Reach::wire)).containsExactly("rings", "forwarded", "unreachable");
        assertThat(Arrays.stream(CallContext.values()).map(CallContext::wire)).containsExactly("ringing", "in_call");
        assertThat(Arrays.stream(DestinationType.values()).map(DestinationType::wire))
                .containsExactly("voip_account", "fixed_destination");
        for (ReasonCode code : ReasonCode.values()) {
            assertThat(code.wire()).isEqualTo(code.name());
            assertThat(ReasonCode.fromWire(code.name())).isEqualTo(code);
        }
        for (UserStatus status : UserStatus.values()) {
            assertThat(UserStatus.fromWire(status.wire())).isEqualTo(status);
        }
    }

    @ParameterizedTest
    @CsvSource({"AVAILABLE", "busy", "Do_Not_Disturb", "''"})
    void unknownWireValuesAreRejected(String value) {
        assertThatThrownBy(() -> UserStatus.fromWire(value)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DeviceKind.fromWire(value)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReasonCode.fromWire(value.toLowerCase())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DestinationType.fromWire(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void jsonShapesMatchTheContract() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertThat(json.writeValueAsString(PresenceDerivation.routeToUser(sit(AVAILABLE, TO_APP, app("push")), true, NOW)))
                .isEqualTo("{\"action\":\"ring\",\"targets\":[{\"voipAccountId\":\"" + APP_ID
                        + "\",\"sipUsername\":\"sip-app\",\"kind\":\"app\",\"wakeUp\":true}],"
                        + "\"reason\":\"Waking the selected app 203 (iPhone) by push, then ringing it.\"}");
        assertThat(json.writeValueAsString(PresenceDerivation.routeToUser(sit(AVAILABLE, TO_MOBILE), true, NOW)))
                .isEqualTo("{\"action\":\"forward\",\"forwardTo\":\"+31612345678\","
                        + "\"reason\":\"Forwarding to the selected fixed destination +31612345678 (Mobile).\"}");
        assertThat(json.writeValueAsString(PresenceDerivation.routeToUser(sit(OFFLINE, TO_MOBILE), true, NOW)))
                .isEqualTo("{\"action\":\"reject\",\"reason\":{\"code\":\"STATUS_OFFLINE\","
                        + "\"message\":\"Your status is offline — calls to you will not ring.\"}}");

        PresenceDerivation.Derived d = PresenceDerivation.derive(sit(AVAILABLE_FOR_COLLEAGUES, TO_DESK, desk("reg incall")), NOW);
        assertThat(json.readTree(json.writeValueAsString(d.presence())).toString())
                .isEqualTo("{\"availability\":\"busy\",\"context\":[\"in_call\"],\"reach\":\"rings\","
                        + "\"effectiveStatus\":\"available_for_colleagues\"}");
        assertThat(json.readTree(json.writeValueAsString(d.reachability())).get("reasons").get(1).get("code").asText())
                .isEqualTo("IN_CALL");
        assertThat(json.readTree(json.writeValueAsString(d.reachability())).get("internal").asBoolean()).isTrue();

        Destination destination = json.readValue(
                "{\"type\":\"fixed_destination\",\"id\":\"" + MOBILE_ID + "\"}", Destination.class);
        assertThat(destination).isEqualTo(TO_MOBILE);
        assertThat(json.readValue("\"available_for_colleagues\"", UserStatus.class)).isEqualTo(AVAILABLE_FOR_COLLEAGUES);
        assertThatThrownBy(() -> json.readValue("\"away\"", UserStatus.class)).isInstanceOf(Exception.class);
    }
}
