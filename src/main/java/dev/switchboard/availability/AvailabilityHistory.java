package dev.switchboard.availability;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import dev.switchboard.availability.AvailabilityDtos.AvailabilityView;
import dev.switchboard.history.Actor;
import dev.switchboard.history.HistoryItem;

/** The history items of an availability change: one for the status (with its until), one for the destination. */
final class AvailabilityHistory {

    private AvailabilityHistory() {
    }

    static List<HistoryItem> changes(Actor actor, UUID orgId, UUID userId, AvailabilityView before, AvailabilityView after) {
        List<HistoryItem> items = new ArrayList<>(2);
        if (before.status() != after.status() || !Objects.equals(before.until(), after.until())) {
            items.add(HistoryItem.status(actor, orgId, userId, before.status().wire(), after.status().wire(), after.until()));
        }
        if (!Objects.equals(before.destination(), after.destination())) {
            Destination from = before.destination();
            Destination to = after.destination();
            items.add(HistoryItem.destination(actor, orgId, userId, from == null ? null : from.type().wire(),
                    from == null ? null : from.id(), to == null ? null : to.type().wire(), to == null ? null : to.id()));
        }
        return items;
    }
}
