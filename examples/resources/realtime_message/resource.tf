variable "release" {
  type    = string
  default = "v1.4.2"
}

# Tell two channels that a release went out. A new release (or a changed trigger)
# delivers again; destroying the resource only forgets the record.
resource "realtime_message" "deployed" {
  channels = ["deploys", "ops:alerts"]
  message  = "release ${var.release} is live"

  triggers = {
    release = var.release
  }
}

# Guaranteed delivery: publish keeps the message for ttl seconds and records sequence ids.
resource "realtime_message" "changelog" {
  delivery = "publish"
  channels = ["changelog"]
  message  = jsonencode({ release = var.release, notes = "faster checkout" })
  ttl      = 3600
}

# A push notification to every device subscribed to the topic.
resource "realtime_message" "push" {
  delivery = "push"
  channels = ["customers"]
  message  = "We just shipped ${var.release}"
  payload  = jsonencode({ sound = "default", badge = "1" })
}

# Content that must not sit in state (Terraform 1.11 and later): message_wo is
# write-only; bump message_wo_version to deliver a new text.
variable "incident_note" {
  type      = string
  sensitive = true
  default   = "db failover at 02:00 UTC"
}

resource "realtime_message" "incident" {
  channels           = ["ops:alerts"]
  message_wo         = var.incident_note
  message_wo_version = 1
}
