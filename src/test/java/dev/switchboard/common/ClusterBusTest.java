package dev.switchboard.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.switchboard.common.ClusterBus.Handler;
import dev.switchboard.common.ClusterBus.Kind;
import dev.switchboard.common.ClusterBus.Message;
import dev.switchboard.presence.CredentialsRelay;
import dev.switchboard.presence.PresenceMessages;
import dev.switchboard.push.PushMessages;

/** The bus's wire format and routing, without a database: what other replicas and the tests send by hand. */
class ClusterBusTest {

    private static final UUID ORG = UUID.fromString("0a000000-0000-4000-8000-000000000001");
    private static final UUID USER = UUID.fromString("0b000000-0000-4000-8000-000000000002");
    private static final UUID OTHER = UUID.fromString("0c000000-0000-4000-8000-000000000003");

    @Test
    void everyMessageKeepsItsPayloadFormatAndReadsBackEqual() {
        Map<Message, String> wire = Map.of(
                new PresenceMessages.OrgEvent(ORG, 42), "e:" + ORG + ":42",
                new PresenceMessages.OrgEvent(ORG, 43, "presence", USER, "{\"type\":\"presence\",\"seq\":43,\"n\":\"a:b\"}"),
                "e:" + ORG + ":43:presence:" + USER + ":{\"type\":\"presence\",\"seq\":43,\"n\":\"a:b\"}",
                new PresenceMessages.SelfChanged(ORG, USER), "m:" + ORG + ":" + USER,
                new PresenceMessages.SelfChanged(ORG, USER, "{\"type\":\"me\",\"a\":\"b:c\"}"), "m:" + ORG + ":" + USER + ":{\"type\":\"me\",\"a\":\"b:c\"}",
                new PresenceMessages.OrgDeleted(ORG), "d:" + ORG,
                new CredentialsRelay.Changed(USER, 7), "v:" + USER + ":7",
                new PushMessages.CallDecided(OTHER), "c:" + OTHER,
                new PushMessages.WatchFired(ORG, USER, OTHER), "w:" + ORG + ":" + USER + ":" + OTHER);
        wire.forEach((message, payload) -> {
            assertThat(ClusterBus.payload(message)).isEqualTo(payload);
            assertThat(message.kind().decoder().apply(message.body())).isEqualTo(message);
        });
    }

    @Test
    void aPayloadGoesToTheHandlerOfItsPrefixOnly() {
        List<Message> orgEvents = new ArrayList<>();
        List<Message> deletions = new ArrayList<>();
        Map<String, Handler<?>> routes = ClusterBus.routes(List.of(
                Handler.of(PresenceMessages.OrgEvent.KIND, orgEvents::add),
                Handler.of(PresenceMessages.OrgDeleted.KIND, deletions::add)));

        ClusterBus.dispatch(routes, "e:" + ORG + ":3");
        ClusterBus.dispatch(routes, "d:" + ORG);

        assertThat(orgEvents).containsExactly(new PresenceMessages.OrgEvent(ORG, 3));
        assertThat(deletions).containsExactly(new PresenceMessages.OrgDeleted(ORG));
    }

    @Test
    void unknownAndMalformedPayloadsAreDroppedWithoutReachingAHandler() {
        List<Message> received = new ArrayList<>();
        Map<String, Handler<?>> routes = ClusterBus.routes(List.of(Handler.of(PresenceMessages.OrgEvent.KIND, received::add)));

        for (String payload : List.of("", "e", "e:", "e:" + ORG, "e:" + ORG + ":x", "e:not-a-uuid:1",
                "e:" + ORG + ":1:extra", "z:" + ORG + ":1", ":" + ORG)) {
            ClusterBus.dispatch(routes, payload);
        }
        assertThat(received).isEmpty();
    }

    @Test
    void resyncReachesEveryHandler() {
        List<String> resynced = new ArrayList<>();
        Map<String, Handler<?>> routes = ClusterBus.routes(List.of(
                Handler.of(PresenceMessages.OrgEvent.KIND, message -> { }, () -> resynced.add("e")),
                Handler.of(PushMessages.CallDecided.KIND, message -> { }, () -> resynced.add("c"))));
        routes.values().forEach(Handler::resync);
        assertThat(resynced).containsExactlyInAnyOrder("e", "c");
    }

    @Test
    void twoHandlersForOnePrefixAreRefused() {
        assertThatThrownBy(() -> ClusterBus.routes(List.of(
                Handler.of(PresenceMessages.OrgEvent.KIND, message -> { }),
                Handler.of(new Kind<>("e", PresenceMessages.OrgDeleted.KIND.decoder()), message -> { }))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("prefix e");
    }

    /** Refused before NOTIFY would refuse it, which would also abort the sender's transaction. */
    @Test
    void aPayloadNotifyWouldRefuseIsRefusedBeforeSending() {
        record Big(String body) implements Message {
            static final Kind<Big> KIND = new Kind<>("big", Big::new);

            @Override
            public Kind<Big> kind() {
                return KIND;
            }
        }
        assertThat(ClusterBus.payload(new Big("x".repeat(ClusterBus.MAX_PAYLOAD_BYTES - 4)))).hasSize(ClusterBus.MAX_PAYLOAD_BYTES);
        assertThatThrownBy(() -> ClusterBus.payload(new Big("x".repeat(ClusterBus.MAX_PAYLOAD_BYTES - 3))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClusterBus.payload(new Big("é".repeat(4000)))).isInstanceOf(IllegalArgumentException.class);
    }

    /** An org event carries its frame while the payload fits NOTIFY's limit in bytes, else only its key. */
    @Test
    void anOrgEventTooLongForNotifyIsSentAsItsKeyAlone() {
        String head = "e:" + ORG + ":7:presence:" + USER + ":";
        String fitting = "x".repeat(ClusterBus.MAX_PAYLOAD_BYTES - head.length());
        assertThat(ClusterBus.payload(new PresenceMessages.OrgEvent(ORG, 7, "presence", USER, fitting))).isEqualTo(head + fitting);

        // fewer characters than the limit, more bytes: UTF-8 is what NOTIFY counts
        String multibyte = "€".repeat((ClusterBus.MAX_PAYLOAD_BYTES - head.length()) / 3 + 1);
        assertThat(head.length() + multibyte.length()).isLessThan(ClusterBus.MAX_PAYLOAD_BYTES);
        assertThat(ClusterBus.payload(new PresenceMessages.OrgEvent(ORG, 7, "presence", USER, multibyte))).isEqualTo("e:" + ORG + ":7");
        assertThat(ClusterBus.payload(new PresenceMessages.OrgEvent(ORG, 7, "presence", USER, fitting + "x"))).isEqualTo("e:" + ORG + ":7");
    }

    @Test
    void anOrgEventWithAnIncompleteFrameIsMalformed() {
        List<Message> received = new ArrayList<>();
        Map<String, Handler<?>> routes = ClusterBus.routes(List.of(Handler.of(PresenceMessages.OrgEvent.KIND, received::add)));
        for (String payload : List.of("e:" + ORG + ":1:presence", "e:" + ORG + ":1:presence:" + USER, "e:" + ORG + ":1:presence:" + USER + ":",
                "e:" + ORG + ":1::" + USER + ":{}", "e:" + ORG + ":1:presence:not-a-uuid:{}")) {
            ClusterBus.dispatch(routes, payload);
        }
        assertThat(received).isEmpty();
    }

    @Test
    void aPrefixIsLowerCaseLettersSoItCannotHoldTheSeparator() {
        assertThatThrownBy(() -> new Kind<>("e:x", PresenceMessages.OrgEvent.KIND.decoder())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Kind<>("", PresenceMessages.OrgEvent.KIND.decoder())).isInstanceOf(IllegalArgumentException.class);
    }
}
