package dev.switchboard.push;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.common.NativeSql;
import dev.switchboard.common.ClusterBus;
import io.smallrye.mutiny.Uni;

/** Settles waiting wake-ups from inside another writer's transaction (Hibernate Reactive session). */
@ApplicationScoped
public class CallDecisions {

    static final String REGISTERED = "the app registered";

    private final ClusterBus bus;

    public CallDecisions(ClusterBus bus) {
        this.bus = bus;
    }

    /** These app accounts are registered now: every wake-up still waiting for one of them is an ACK. */
    Uni<Void> appRegistered(List<UUID> voipAccountIds) {
        String sql = "UPDATE push_calls SET outcome = 'ack', reason = $2, decided_at = clock_timestamp() "
                + "WHERE voip_account_id = ANY($1) AND outcome IS NULL AND expires_at > clock_timestamp() RETURNING id";
        return NativeSql.column(UUID.class, sql, NativeSql.uuids(voipAccountIds), REGISTERED)
                .flatMap(decided -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (UUID id : decided) {
                        chain = chain.flatMap(ignored -> bus.publish(new PushMessages.CallDecided(id)));
                    }
                    return chain;
                });
    }
}
