# Presence on every orders:<x> sub-channel, with connection metadata counted.
resource "realtime_channel_presence" "orders" {
  channel  = "orders:*"
  metadata = true
}

resource "realtime_channel_presence" "lobby" {
  channel = "lobby"
}
