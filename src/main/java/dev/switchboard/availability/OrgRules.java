package dev.switchboard.availability;

/**
 * The organization settings that influence derivation and routing.
 *
 * @param applyUserStatusToDevices the owner's status also applies to direct calls to their devices
 * @param showCallContext          colleagues may see {@code ringing}/{@code in_call}
 */
public record OrgRules(boolean applyUserStatusToDevices, boolean showCallContext) {

    /** The contract's defaults for a new organization: both settings on. */
    public static final OrgRules DEFAULTS = new OrgRules(true, true);
}
