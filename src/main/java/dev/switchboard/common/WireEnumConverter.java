package dev.switchboard.common;

import java.util.function.Function;

import jakarta.persistence.AttributeConverter;

/** Stores an enum by its JSON wire name, so the database reads like the API. */
public abstract class WireEnumConverter<E extends Enum<E>> implements AttributeConverter<E, String> {

    private final Function<E, String> toWire;
    private final Function<String, E> fromWire;

    protected WireEnumConverter(Function<E, String> toWire, Function<String, E> fromWire) {
        this.toWire = toWire;
        this.fromWire = fromWire;
    }

    @Override
    public String convertToDatabaseColumn(E value) {
        return value == null ? null : toWire.apply(value);
    }

    @Override
    public E convertToEntityAttribute(String column) {
        return column == null ? null : fromWire.apply(column);
    }
}
