# The demo: a small GitOps-style configuration for one Realtime application,
# applied by `make demo` against the local emulator. The provider reads its keys
# and URLs from REALTIME_* environment variables, as it would in a pipeline.
terraform {
  required_version = ">= 1.14"
  required_providers {
    realtime = { source = "ortc-terraform/realtime" }
  }
}

provider "realtime" {}

variable "release" {
  type    = string
  default = "v1.4.2"
}

# Two client applications, each with exactly the channels it needs.
resource "realtime_token_permissions" "dashboard" {
  token = "dashboardToken01"
  ttl   = 86400
  permissions = {
    "orders"   = "r"
    "orders:*" = "rp"
    "alerts"   = "rw"
  }
}

resource "realtime_token_permissions" "mobile" {
  token   = "mobileAppToken01"
  ttl     = 3600
  private = true
  permissions = {
    "orders:eu" = "r"
    "chat:*"    = "rwp"
  }
}

# Presence on the whole orders family, with connection metadata counted, and on chat rooms.
resource "realtime_channel_presence" "orders" {
  channel  = "orders:*"
  metadata = true
}

resource "realtime_channel_presence" "lobby" {
  channel = "lobby"
}

# Tell the ops channels that this release went out; a new release re-delivers.
resource "realtime_message" "deployed" {
  channels = ["deploys", "ops:alerts"]
  message  = "release ${var.release} is live"
  triggers = { release = var.release }
}

# The same news as a push notification to every device subscribed to "customers".
resource "realtime_message" "customers" {
  delivery = "push"
  channels = ["customers"]
  message  = "We just shipped ${var.release}"
  payload  = jsonencode({ sound = "default", badge = "1" })
  triggers = { release = var.release }
}

# And, with Terraform 1.14 actions, a publish with guaranteed delivery after the rollout.
action "realtime_publish" "changelog" {
  config {
    channels = ["changelog"]
    message  = "release ${var.release}: faster checkout"
    ttl      = 3600
  }
}

resource "terraform_data" "rollout" {
  input = var.release
  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.realtime_publish.changelog]
    }
  }
}

data "realtime_channel_presence" "lobby" {
  channel    = realtime_channel_presence.lobby.channel
  depends_on = [realtime_channel_presence.lobby]
}

data "realtime_push_topics" "all" {}

data "realtime_server" "current" {}

output "server" {
  value = data.realtime_server.current.url
}

output "lobby_presence" {
  value = {
    enabled       = data.realtime_channel_presence.lobby.enabled
    subscriptions = data.realtime_channel_presence.lobby.subscriptions
    metadata      = data.realtime_channel_presence.lobby.metadata
  }
}

output "push_topics" {
  value = data.realtime_push_topics.all.topics
}

output "deploy_message" {
  value = {
    id    = realtime_message.deployed.id
    parts = realtime_message.deployed.parts
  }
}
