package dev.switchboard.presence;

import dev.switchboard.account.User;
import dev.switchboard.availability.Destination;
import dev.switchboard.availability.PresenceDerivation;
import dev.switchboard.availability.Scheduled;
import dev.switchboard.availability.UserSituation;

/** Builds a user's view of themselves from their published presence and a fresh derivation. */
public final class Selves {

    private Selves() {
    }

    public static SelfView of(PresenceView published, User user, UserSituation situation, PresenceDerivation.Derived derived,
            Scheduled scheduled) {
        // The destination is the call plan's one-step view (a first step with a single target).
        Destination destination = situation.destination();
        // The user always sees their own call context, even where colleagues do not.
        return new SelfView(published.userId(), published.name(), published.internalNumber(), published.availability(),
                published.userStatus(), derived.presence().context(), published.reach(), published.since(), published.note(),
                user.status, destination, user.statusUntil, user.noteUntil, derived.reachability().withScheduled(scheduled));
    }
}
