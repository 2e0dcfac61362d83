package dev.switchboard.webhook;

import static dev.switchboard.support.TestApi.as;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

import dev.switchboard.support.TestApi;
import dev.switchboard.support.TestApi.TestUser;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Without {@code switchboard.webhooks.allow-insecure} (the production default, and this test's
 * profile) a webhook must be https:// to a public address: nothing into the service's own network.
 */
@QuarkusTest
class WebhookAddressesTest {

    @Test
    void onlyHttpsToPublicAddressesIsAccepted() {
        UUID org = TestApi.createOrg();
        TestUser admin = TestApi.admin(org);
        for (String url : List.of("http://127.0.0.1:8080/hook", "https://127.0.0.1/hook", "https://localhost/hook",
                "https://10.1.2.3/hook", "https://192.168.0.10/hook", "https://169.254.169.254/latest/meta-data",
                "https://[::1]/hook", "https://[fd00::1]/hook", "https://[::ffff:127.0.0.1]/hook", "https://0.0.0.0/hook",
                "https://user:password@127.0.0.1/hook")) {
            as(admin.token()).body(Map.of("url", url, "events", List.of("status.changed"))).post("/api/orgs/" + org + "/webhooks")
                    .then().statusCode(422).body("errors[0].field", Matchers.is("url"));
        }
        assertThat(as(admin.token()).get("/api/orgs/" + org + "/webhooks").then().statusCode(200).extract()
                .<List<Object>>path("items")).isEmpty();
    }

    @Test
    void everyKindOfNonPublicAddressIsNamed() throws Exception {
        assertThat(WebhookAddresses.notPublic(InetAddress.getByName("127.0.0.2"))).contains("loopback");
        assertThat(WebhookAddresses.notPublic(InetAddress.getByName("172.16.5.4"))).contains("private");
        assertThat(WebhookAddresses.notPublic(InetAddress.getByName("169.254.169.254"))).contains("link-local");
        assertThat(WebhookAddresses.notPublic(InetAddress.getByName("100.64.1.1"))).contains("carrier-grade NAT");
        assertThat(WebhookAddresses.notPublic(InetAddress.getByName("224.0.0.1"))).contains("multicast");
        assertThat(WebhookAddresses.notPublic(InetAddress.getByName("fc00::5"))).contains("unique-local");
        assertThat(WebhookAddresses.notPublic(InetAddress.getByName("fe80::1"))).contains("link-local");
        assertThat(WebhookAddresses.notPublic(InetAddress.getByName("64:ff9b::a00:1"))).contains("private");
        assertThat(WebhookAddresses.notPublic(InetAddress.getByName("255.255.255.255"))).contains("reserved");
        assertThat(WebhookAddresses.notPublic(InetAddress.getByName("93.184.216.34"))).isNull();
        assertThat(WebhookAddresses.notPublic(InetAddress.getByName("2606:4700::1111"))).isNull();
    }
}
