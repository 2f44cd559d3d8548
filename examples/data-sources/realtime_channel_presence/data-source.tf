data "realtime_channel_presence" "lobby" {
  channel = "lobby"
}

output "lobby_subscribers" {
  value = data.realtime_channel_presence.lobby.enabled ? data.realtime_channel_presence.lobby.subscriptions : 0
}
