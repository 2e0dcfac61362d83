package dev.switchboard.common;

import java.util.Map;

/** Maps the schema's named unique constraints to the request field that clashed. */
public final class UniqueConstraints {

    private record Clash(String field, String message, boolean unprocessable) {
    }

    private static final Map<String, Clash> CLASHES = Map.of(
            "uq_users_email", new Clash("email", "this email is already in use", false),
            "uq_internal_numbers", new Clash("internalNumber", "this internal number is already in use in the organization", false),
            "uq_voip_accounts_sip_username", new Clash("sipUsername", "this SIP username is already in use", false),
            "uq_voip_accounts_user_app", new Clash("userId", "the user already has an app account", true),
            "uq_voip_accounts_user_webphone", new Clash("userId", "the user already has a webphone account", true),
            "uq_fixed_destinations_user_number", new Clash("number", "the user already has this fixed destination", false));

    private UniqueConstraints() {
    }

    public static ApiException conflictFor(String constraint, String databaseMessage) {
        Clash clash = constraint == null ? null : CLASHES.get(constraint);
        if (clash == null) {
            return ApiException.conflict(null, "The request conflicts with existing data.");
        }
        return clash.unprocessable ? ApiException.unprocessable(clash.field, clash.message)
                : ApiException.conflict(clash.field, clash.message);
    }
}
