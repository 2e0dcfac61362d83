package dev.switchboard.availability;

/** The situations a user's plan has a fallback for; {@code wire} is the field name in the API. */
public enum FallbackKind {
    /** No target of any step can ring now. */
    UNREACHABLE("unreachable", "unreachable"),
    /** In a call with call waiting off. */
    BUSY("busy", "busy"),
    /** The last step's ring time ran out. */
    NO_ANSWER("noAnswer", "no_answer"),
    /** The status says no to this caller. */
    UNAVAILABLE("unavailable", "unavailable");

    private final String wire;
    private final String column;

    FallbackKind(String wire, String column) {
        this.wire = wire;
        this.column = column;
    }

    /** The field name in the API ({@code noAnswer}). */
    public String wire() {
        return wire;
    }

    /** The value stored in {@code call_plan_fallbacks.kind} ({@code no_answer}). */
    public String column() {
        return column;
    }

    public static FallbackKind fromColumn(String column) {
        for (FallbackKind kind : values()) {
            if (kind.column.equals(column)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("Unknown fallback kind: " + column);
    }
}
