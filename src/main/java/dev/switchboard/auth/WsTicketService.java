package dev.switchboard.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.common.SwitchboardConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Single-use tickets that let a browser open the presence socket without putting its token in a
 * URL. Only a hash is stored; consuming deletes the row, so a ticket works once, on any replica.
 */
@ApplicationScoped
public class WsTicketService {

    public record Ticket(String ticket, long expiresIn) {
    }

    /** Who a consumed ticket stands for: the identity of the token that asked for it. */
    public record TicketHolder(String subject, UUID orgId, Set<String> groups, String upn, Instant tokenExpiresAt,
            Long credentialsVersion) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration MAX_LIFETIME = Duration.ofSeconds(30);

    private final Pool pool;
    private final Duration lifetime;

    public WsTicketService(Pool pool, SwitchboardConfig config) {
        this.pool = pool;
        Duration lifetime = config.ws().ticketLifetime();
        this.lifetime = lifetime.compareTo(MAX_LIFETIME) > 0 ? MAX_LIFETIME : lifetime;
    }

    public Uni<Ticket> issue(TicketHolder holder) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        String sql = "INSERT INTO ws_tickets (ticket_hash, subject, org_id, groups, upn, token_expires_at, expires_at, credentials_version) "
                + "VALUES ($1, $2, $3, $4, $5, $6, clock_timestamp() + make_interval(secs => $7), $8)";
        Tuple args = Tuple.tuple().addString(hash(ticket)).addString(holder.subject()).addUUID(holder.orgId())
                .addString(String.join(",", holder.groups())).addString(holder.upn())
                .addOffsetDateTime(OffsetDateTime.ofInstant(holder.tokenExpiresAt(), ZoneOffset.UTC))
                .addDouble((double) lifetime.toSeconds()).addLong(holder.credentialsVersion());
        return pool.preparedQuery(sql).execute(args).replaceWith(new Ticket(ticket, lifetime.toSeconds()));
    }

    /** The holder, or null when the ticket is unknown, used or expired. Expired rows are swept too. */
    public Uni<TicketHolder> consume(String ticket) {
        String sql = "WITH swept AS (DELETE FROM ws_tickets WHERE expires_at < statement_timestamp() - interval '1 minute') "
                + "DELETE FROM ws_tickets WHERE ticket_hash = $1 AND expires_at > clock_timestamp() "
                + "RETURNING subject, org_id, groups, upn, token_expires_at, credentials_version";
        return pool.preparedQuery(sql).execute(Tuple.of(hash(ticket))).map(rows -> {
            if (rows.size() == 0) {
                return null;
            }
            Row row = rows.iterator().next();
            return new TicketHolder(row.getString("subject"), row.getUUID("org_id"),
                    Set.of(row.getString("groups").split(",")), row.getString("upn"),
                    row.getOffsetDateTime("token_expires_at").toInstant(), row.getLong("credentials_version"));
        });
    }

    private static String hash(String ticket) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ticket.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
