# Terraform 1.12 and later can import by identity.
import {
  to = realtime_channel_presence.lobby
  identity = {
    application_key = "myAppKey"
    channel         = "lobby"
  }
}
