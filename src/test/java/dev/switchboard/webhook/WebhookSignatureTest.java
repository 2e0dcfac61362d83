package dev.switchboard.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.standardwebhooks.Webhook;

/** The signing code against the Standard Webhooks test vector and the published library. */
class WebhookSignatureTest {

    @Test
    void signsTheConventionsTestVector() {
        assertThat(WebhookSignature.sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L,
                "{\"test\": 2432232314}")).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void aFreshSecretHasTheConventionsFormAndItsSignaturesVerifyWithThePublishedLibrary() throws Exception {
        String secret = WebhookSignature.newSecret();
        assertThat(secret).startsWith("whsec_");
        assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSizeBetween(24, 64);
        long now = System.currentTimeMillis() / 1000;
        String body = "{\"type\":\"ping\",\"seq\":null,\"data\":{\"text\":\"é ✓\"}}";
        String signature = WebhookSignature.sign(secret, "msg_1", now, body);
        new Webhook(secret).verify(body, Map.of("webhook-id", List.of("msg_1"), "webhook-timestamp", List.of(Long.toString(now)),
                "webhook-signature", List.of(signature)));
        assertThat(signature).isEqualTo(new Webhook(secret).sign("msg_1", now, body));
    }
}
