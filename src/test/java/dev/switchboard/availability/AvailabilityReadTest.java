package dev.switchboard.availability;

import static dev.switchboard.support.Fixtures.usersPath;
import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.switchboard.support.Fixtures;
import dev.switchboard.support.Fixtures.Member;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** GET …/availability answers exactly what the last PUT stored (it is read without a Hibernate session). */
@QuarkusTest
class AvailabilityReadTest {

    @Test
    void theReadAnswersWhatTheWriteStoredWithItsVersion() {
        UUID orgId = createOrg();
        Member user = Fixtures.user(orgId);
        String path = usersPath(orgId) + "/" + user.id + "/availability";
        UUID desk = Fixtures.voip(orgId, "desk_phone", user.id);

        Response fresh = as(user.token()).get(path);
        fresh.then().statusCode(200).body("status", equalTo("available")).body("destination", nullValue())
                .body("until", nullValue());
        long version = fresh.jsonPath().getLong("version");
        assertThat(fresh.header("ETag")).isEqualTo(Fixtures.etag(version));

        Instant until = Instant.now().plus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
        Map<String, Object> change = new HashMap<>();
        change.put("status", "do_not_disturb");
        change.put("until", until.toString());
        change.put("destination", Map.of("type", "voip_account", "id", desk.toString()));
        Response written = as(user.token()).body(change).put(path);
        written.then().statusCode(200);

        Response read = as(user.token()).get(path);
        read.then().statusCode(200)
                .body("status", equalTo("do_not_disturb"))
                .body("destination.type", equalTo("voip_account"))
                .body("destination.id", equalTo(desk.toString()))
                .body("version", equalTo(written.jsonPath().getInt("version")));
        assertThat(Instant.parse(read.jsonPath().getString("until"))).isEqualTo(until);
        assertThat(read.header("ETag")).isEqualTo(written.header("ETag"));
        assertThat(read.jsonPath().getMap("")).isEqualTo(written.jsonPath().getMap(""));
    }

    @Test
    void anUnknownUserIsNotFound() {
        UUID orgId = createOrg();
        Member admin = Fixtures.admin(orgId);
        as(admin.token()).get(usersPath(orgId) + "/" + UUID.randomUUID() + "/availability").then().statusCode(404);
    }
}
