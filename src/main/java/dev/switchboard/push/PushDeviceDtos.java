package dev.switchboard.push;

import java.time.Instant;
import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Request and response bodies of {@code /api/me/push-devices}. */
public final class PushDeviceDtos {

    private PushDeviceDtos() {
    }

    public enum Platform {
        FCM("fcm"), APNS("apns");

        private final String wire;

        Platform(String wire) {
            this.wire = wire;
        }

        @JsonValue
        public String wire() {
            return wire;
        }

        @JsonCreator
        public static Platform fromWire(String value) {
            for (Platform platform : values()) {
                if (platform.wire.equals(value)) {
                    return platform;
                }
            }
            throw new IllegalArgumentException("must be fcm or apns");
        }
    }

    /**
     * @param token   the FCM registration token, or the APNs PushKit VoIP token in hex (call wake-ups)
     * @param alertToken APNs only: the ordinary remote-notification token in hex, for visible
     *                notifications such as a fired watch (APNs delivers alerts only to it)
     * @param appId   Android package name / iOS bundle id; APNs topics are {@code appId} and {@code appId.voip}
     * @param sandbox APNs only: a development build, pushed through the sandbox endpoint
     */
    public record RegisterPushDevice(
            @NotNull UUID voipAccountId,
            @NotNull Platform platform,
            @NotBlank @Size(max = 4096) @Pattern(regexp = "^[\\x21-\\x7E]+$", message = "must be printable ASCII without spaces") String token,
            @Size(max = 4096) String alertToken,
            @NotBlank @Size(max = 200) @Pattern(regexp = "^[A-Za-z0-9][A-Za-z0-9._-]*$", message = "must be a bundle id or package name, e.g. com.example.app") String appId,
            @Size(max = 200) String name,
            Boolean sandbox) {
    }

    @RegisterForReflection
    public record PushDeviceView(UUID id, UUID voipAccountId, String platform, String token, String alertToken, String appId,
            String name, boolean sandbox, Instant createdAt, Instant updatedAt) {
    }
}
