package dev.switchboard.presence;

import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.operator;
import static dev.switchboard.support.TestApi.platform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.switchboard.support.Fixtures;
import dev.switchboard.support.Fixtures.Member;
import dev.switchboard.support.Problems;
import io.quarkus.test.junit.QuarkusTest;

/** Presence of chosen colleagues: {@code GET …/presence?userIds=} and {@code GET …/presence/{userId}}. */
@QuarkusTest
class PresenceLookupTest {

    private static String presencePath(UUID orgId) {
        return Fixtures.orgPath(orgId) + "/presence";
    }

    @Test
    void aLookupAnswersTheAskedColleaguesOnlyAndLeavesUnknownAndForeignIdsOut() {
        UUID org = createOrg();
        Member anna = Fixtures.user(org);
        Member bob = Fixtures.user(org);
        Member carl = Fixtures.admin(org);
        UUID other = createOrg();
        Member foreign = Fixtures.user(other);
        String ids = String.join(",", anna.id.toString(), " " + bob.id, foreign.id.toString(), UUID.randomUUID().toString(),
                anna.id.toString());

        Map<String, Object> answer = as(anna.token()).queryParam("userIds", ids).get(presencePath(org))
                .then().statusCode(200).extract().as(Map.class);
        assertThat(userIds(answer)).containsExactlyInAnyOrder(anna.id.toString(), bob.id.toString());
        assertThat(((Number) answer.get("seq")).longValue()).isPositive();
        assertThat(answer).containsKey("groups");

        // the parameter repeated works like a list; an admin and the operator may ask too
        Map<String, Object> repeated = as(carl.token()).queryParam("userIds", carl.id.toString())
                .queryParam("userIds", bob.id.toString()).get(presencePath(org)).then().statusCode(200).extract().as(Map.class);
        assertThat(userIds(repeated)).containsExactlyInAnyOrder(carl.id.toString(), bob.id.toString());
        Map<String, Object> byOperator = as(operator()).queryParam("userIds", carl.id.toString()).get(presencePath(org))
                .then().statusCode(200).extract().as(Map.class);
        assertThat(userIds(byOperator)).containsExactly(carl.id.toString());

        // the other org's member never answers about this org's colleagues, nor sees them under its own
        Problems.problem(as(foreign.token()).queryParam("userIds", anna.id.toString()).get(presencePath(org)), 404);
        Map<String, Object> fromOther = as(foreign.token()).queryParam("userIds", anna.id + "," + foreign.id)
                .get(presencePath(other)).then().statusCode(200).extract().as(Map.class);
        assertThat(userIds(fromOther)).containsExactly(foreign.id.toString());
        // without userIds it is still the whole snapshot
        Map<String, Object> all = as(anna.token()).get(presencePath(org)).then().statusCode(200).extract().as(Map.class);
        assertThat(userIds(all)).containsExactlyInAnyOrder(anna.id.toString(), bob.id.toString(), carl.id.toString());
    }

    @Test
    void aLookupTakesUpTo200IdsAndRefusesMoreOrMalformedOnesWithAProblem() {
        UUID org = createOrg();
        Member anna = Fixtures.user(org);
        List<String> ids = new ArrayList<>(IntStream.range(0, 199).mapToObj(i -> UUID.randomUUID().toString()).toList());
        ids.add(anna.id.toString());
        Map<String, Object> answer = as(anna.token()).queryParam("userIds", String.join(",", ids)).get(presencePath(org))
                .then().statusCode(200).extract().as(Map.class);
        assertThat(userIds(answer)).containsExactly(anna.id.toString());

        ids.add(UUID.randomUUID().toString());
        Problems.invalid(as(anna.token()).queryParam("userIds", String.join(",", ids)).get(presencePath(org)), "userIds");
        for (String bad : List.of("", "not-a-uuid", anna.id + ",", anna.id + ",,", "{" + anna.id + "}",
                anna.id.toString().replace("-", ""))) {
            Problems.invalid(as(anna.token()).queryParam("userIds", bad).get(presencePath(org)), "userIds");
        }
    }

    @Test
    void oneColleagueByIdAnd404ForAnythingElse() {
        UUID org = createOrg();
        Member anna = Fixtures.user(org);
        Member bob = Fixtures.user(org);
        Member foreign = Fixtures.user(createOrg());

        as(anna.token()).get(presencePath(org) + "/" + bob.id).then().statusCode(200)
                .body("userId", equalTo(bob.id.toString()))
                .body("internalNumber", equalTo(bob.internalNumber))
                .body("availability", equalTo("offline"));
        as(operator()).get(presencePath(org) + "/" + anna.id).then().statusCode(200).body("userId", equalTo(anna.id.toString()));

        Problems.problem(as(anna.token()).get(presencePath(org) + "/" + foreign.id), 404);
        Problems.problem(as(anna.token()).get(presencePath(org) + "/" + UUID.randomUUID()), 404);
        Problems.problem(as(anna.token()).get(presencePath(org) + "/not-a-uuid"), 404);
        Problems.problem(as(foreign.token()).get(presencePath(org) + "/" + anna.id), 404);
        Problems.problem(as(platform()).get(presencePath(org) + "/" + anna.id), 403);
    }

    @SuppressWarnings("unchecked")
    private static List<String> userIds(Map<String, Object> answer) {
        return ((List<Map<String, Object>>) answer.get("colleagues")).stream().map(c -> (String) c.get("userId"))
                .collect(Collectors.toList());
    }
}
