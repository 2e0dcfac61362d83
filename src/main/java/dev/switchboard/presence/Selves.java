package dev.switchboard.presence;

import dev.switchboard.account.User;
import dev.switchboard.availability.Destination;
import dev.switchboard.availability.PresenceDerivation;

/** Builds a user's view of themselves from their published presence and a fresh derivation. */
public final class Selves {

    private Selves() {
    }

    public static SelfView of(PresenceView published, User user, PresenceDerivation.Derived derived) {
        Destination destination = user.destinationType == null ? null : new Destination(user.destinationType, user.destinationId);
        // The user always sees their own call context, even where colleagues do not.
        return new SelfView(published.userId(), published.name(), published.internalNumber(), published.availability(),
                published.userStatus(), derived.presence().context(), published.reach(), published.since(),
                user.status, destination, user.statusUntil, derived.reachability());
    }
}
