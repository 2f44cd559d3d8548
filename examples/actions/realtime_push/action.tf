# Terraform 1.14 and later: a push notification to every device on the topics.
action "realtime_push" "customers" {
  config {
    channels = ["customers"]
    message  = "We just shipped v1.4.2"
    payload  = jsonencode({ sound = "default", badge = "1" })
  }
}
