# Terraform 1.14 and later: publish with guaranteed delivery, kept for ttl seconds.
action "realtime_publish" "changelog" {
  config {
    channels = ["changelog", "ops:alerts"]
    message  = "release v1.4.2: faster checkout"
    ttl      = 3600
  }
}
