package dev.switchboard.account;

import static dev.switchboard.support.Fixtures.userBody;
import static dev.switchboard.support.Fixtures.usersPath;
import static dev.switchboard.support.Fixtures.voipBody;
import static dev.switchboard.support.Fixtures.voipPath;
import static dev.switchboard.support.Problems.problemNaming;
import static dev.switchboard.support.TestApi.as;
import static dev.switchboard.support.TestApi.createOrg;
import static dev.switchboard.support.TestApi.operator;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.switchboard.support.AllAtOnce;
import dev.switchboard.support.Fixtures;
import dev.switchboard.support.Fixtures.Member;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Provisioning scripts and CSV imports create many users and VoIP accounts in one organization at
 * once. Every such create succeeds with its own internal number (and SIP username); only a number
 * the caller asked for that is already taken is a 409. Requests really run in parallel: more of
 * them than the database pool has connections, released together by a latch.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InternalNumberConcurrencyTest {

    /** Above quarkus.datasource.reactive.max-size (20), so requests also queue for connections. */
    private static final int PARALLEL = 30;

    private final ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);

    @AfterAll
    void stopPool() {
        pool.shutdownNow();
    }

    @Test
    void parallelUserCreationsAllSucceedWithTheLowestDistinctNumbers() throws Exception {
        UUID orgId = createOrg();
        List<Response> answers = all(IntStream.range(0, PARALLEL)
                .<Supplier<Response>> mapToObj(i -> () -> as(operator()).body(userBody("user")).post(usersPath(orgId)))
                .toList());

        List<String> numbers = created(answers);
        assertThat(numbers).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(series(100, PARALLEL));
    }

    @Test
    void parallelVoipAccountCreationsAllSucceedWithDistinctNumbersAndSipUsernames() throws Exception {
        UUID orgId = createOrg();
        List<Response> answers = all(IntStream.range(0, PARALLEL)
                .<Supplier<Response>> mapToObj(i -> () -> as(operator()).body(voipBody("desk_phone", null)).post(voipPath(orgId)))
                .toList());

        assertThat(created(answers)).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(series(200, PARALLEL));
        assertThat(answers.stream().map(r -> r.<String> path("sipUsername")).toList()).doesNotHaveDuplicates();
    }

    /**
     * Users, unowned accounts and accounts of one owner (whose row each of those creates locks),
     * while the owner's own number changes: no deadlock, no clash, nothing refused. Numbers taken
     * beforehand are skipped.
     */
    @Test
    void aParallelMixOfUsersAndVoipAccountsNeverClashes() throws Exception {
        UUID orgId = createOrg();
        Member owner = Fixtures.user(orgId); // 100
        Map<String, Object> on102 = userBody("user");
        on102.put("internalNumber", "102");
        Fixtures.member(orgId, on102);
        as(operator()).body(Map.of("kind", "softphone", "internalNumber", "201")).post(voipPath(orgId))
                .then().statusCode(201);

        List<Supplier<Response>> requests = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            requests.add(() -> as(operator()).body(userBody("user")).post(usersPath(orgId)));
            requests.add(() -> as(operator()).body(voipBody("desk_phone", null)).post(voipPath(orgId)));
        }
        for (int i = 0; i < 5; i++) {
            requests.add(() -> as(operator()).body(voipBody("desk_phone", owner.id)).post(voipPath(orgId)));
        }
        requests.add(() -> as(operator()).body(Map.of("internalNumber", "4711")).patch(owner.path()));
        List<Response> answers = all(requests);

        List<Response> creates = answers.subList(0, answers.size() - 1);
        answers.get(answers.size() - 1).then().statusCode(200);
        List<String> numbers = created(creates);
        assertThat(numbers).hasSize(29).doesNotHaveDuplicates().doesNotContain("102", "201", "4711");
        List<String> everyNumber = new ArrayList<>(numbers);
        everyNumber.addAll(List.of("102", "201", "4711"));
        assertThat(everyNumber).doesNotHaveDuplicates();
        // Users fill 100 (freed by the owner's move, or not yet), 101, 103, …; accounts 200, 202, ….
        assertThat(numbers.stream().filter(n -> n.startsWith("1"))).hasSize(12).allMatch(n -> Integer.parseInt(n) <= 113);
        assertThat(numbers.stream().filter(n -> n.startsWith("2"))).hasSize(17).allMatch(n -> Integer.parseInt(n) <= 217);
    }

    /**
     * Given numbers take no lock: they race the chosen ones on exactly the numbers being chosen.
     * Every choice succeeds with a distinct number; a given number succeeds unless a choice took
     * it first, and then it is a 409 naming the field.
     */
    @Test
    void givenNumbersRacingChosenOnesOnTheSameNumbersNeverClash() throws Exception {
        UUID orgId = createOrg();
        List<Supplier<Response>> requests = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            requests.add(() -> as(operator()).body(userBody("user")).post(usersPath(orgId)));
        }
        for (int n = 100; n < 108; n++) {
            Map<String, Object> body = userBody("user");
            body.put("internalNumber", Integer.toString(n));
            requests.add(() -> as(operator()).body(body).post(usersPath(orgId)));
        }
        List<Response> answers = all(requests);

        List<String> chosen = created(answers.subList(0, 8));
        List<String> given = new ArrayList<>();
        for (int i = 8; i < 16; i++) {
            Response answer = answers.get(i);
            if (answer.statusCode() == 201) {
                assertThat(answer.<String> path("internalNumber")).isEqualTo(Integer.toString(92 + i));
                given.add(answer.path("internalNumber"));
            } else {
                problemNaming(answer, 409, "internalNumber");
                assertThat(chosen).contains(Integer.toString(92 + i));
            }
        }
        List<String> every = new ArrayList<>(chosen);
        every.addAll(given);
        assertThat(every).doesNotHaveDuplicates();
        assertThat(chosen).allMatch(n -> Integer.parseInt(n) >= 100 && Integer.parseInt(n) <= 115);
    }

    @Test
    void anExplicitNumberThatIsTakenIsStill409() throws Exception {
        UUID orgId = createOrg();
        Map<String, Object> first = userBody("user");
        first.put("internalNumber", "300");
        Fixtures.member(orgId, first);

        Map<String, Object> again = userBody("user");
        again.put("internalNumber", "300");
        problemNaming(as(operator()).body(again).post(usersPath(orgId)), 409, "internalNumber");
        problemNaming(as(operator()).body(Map.of("kind", "desk_phone", "internalNumber", "300")).post(voipPath(orgId)),
                409, "internalNumber");

        // Many callers asking for the same free number at once: one gets it, the others a 409.
        List<Response> answers = all(IntStream.range(0, 10).<Supplier<Response>> mapToObj(i -> () -> {
            Map<String, Object> body = userBody("user");
            body.put("internalNumber", "301");
            return as(operator()).body(body).post(usersPath(orgId));
        }).toList());
        assertThat(answers.stream().filter(r -> r.statusCode() == 201)).hasSize(1);
        answers.stream().filter(r -> r.statusCode() != 201)
                .forEach(r -> problemNaming(r, 409, "internalNumber"));
    }

    // --- helpers -----------------------------------------------------------------------------------

    /** Runs every request on its own thread, all released at once; answers in request order. */
    private List<Response> all(List<Supplier<Response>> requests) throws Exception {
        String token = operator(); // log in before the gate opens
        assertThat(token).isNotBlank();
        return AllAtOnce.run(pool, requests.stream().map(request -> (Callable<Response>) request::get).toList());
    }

    /** Every answer is a 201; their internal numbers. */
    private static List<String> created(List<Response> answers) {
        answers.forEach(r -> assertThat(r.statusCode()).as("answer %s", r.asString()).isEqualTo(201));
        return answers.stream().map(r -> r.<String> path("internalNumber")).toList();
    }

    private static List<String> series(int from, int count) {
        return IntStream.range(from, from + count).mapToObj(Integer::toString).toList();
    }
}
