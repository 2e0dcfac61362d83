package dev.switchboard.common;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.quarkus.hibernate.reactive.panache.PanacheQuery;
import io.quarkus.panache.common.Page;
import io.smallrye.mutiny.Uni;

/** Parses {@code ?page=&size=} by hand so a bad value is a 400 with a field error, not a 404. */
public record PageRequest(int page, int size) {

    public static final int DEFAULT_SIZE = 50;
    public static final int MAX_SIZE = 200;

    /** Sizes above {@value #MAX_SIZE} are capped, not refused; the answer says which size applied. */
    public static PageRequest of(String page, String size) {
        List<Problem.FieldError> errors = new ArrayList<>();
        int p = parse(page, 0, "page", 0, errors);
        int s = parse(size, DEFAULT_SIZE, "size", 1, errors);
        if (!errors.isEmpty()) {
            throw ApiException.validation(errors);
        }
        int capped = Math.min(s, MAX_SIZE);
        // Hibernate takes the first row as an int: a page whose rows lie beyond it cannot be asked for.
        long lastPage = Integer.MAX_VALUE / capped - 1;
        if (p > lastPage) {
            throw ApiException.validation("page", "must be at most " + lastPage + " with size " + capped);
        }
        return new PageRequest(p, capped);
    }

    private static int parse(String raw, int fallback, String field, int min, List<Problem.FieldError> errors) {
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw.trim());
            if (value >= min) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        errors.add(new Problem.FieldError(field, "must be a whole number of at least " + min));
        return fallback;
    }

    /** Rows before this page, for {@code OFFSET}. */
    public long offset() {
        return (long) page * size;
    }

    public <T> PageResponse<T> respond(List<T> items, long total) {
        return new PageResponse<>(items, page, size, total);
    }

    /** Runs the query for this page and counts all matches: the {@code {items, page, size, total}} answer. */
    public <E, T> Uni<PageResponse<T>> fetch(PanacheQuery<E> query, Function<E, T> view) {
        return fetchAll(query, items -> Uni.createFrom().item(items.stream().map(view).toList()));
    }

    /** Same, when turning the page's entities into views needs another query (done once per page). */
    public <E, T> Uni<PageResponse<T>> fetchAll(PanacheQuery<E> query, Function<List<E>, Uni<List<T>>> views) {
        return query.page(Page.of(page, size)).list()
                .flatMap(items -> views.apply(items))
                .flatMap(items -> query.count().map(total -> respond(items, total)));
    }
}
