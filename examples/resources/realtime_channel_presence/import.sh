# Presence is imported by channel name.
terraform import realtime_channel_presence.lobby lobby
