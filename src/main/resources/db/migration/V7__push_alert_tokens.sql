-- On iOS a device has two tokens: the PushKit VoIP token (push_devices.token, topic
-- <appId>.voip, used for call wake-ups) and the ordinary remote-notification token for visible
-- alerts such as a fired watch (topic <appId>); APNs refuses to mix them up
-- (DeviceTokenNotForTopic). FCM uses one token for both, so this stays null there.
ALTER TABLE push_devices ADD COLUMN alert_token varchar(4096);
