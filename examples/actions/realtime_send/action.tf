# Terraform 1.14 and later. Run it on demand:
#   terraform apply -invoke=action.realtime_send.deploy_started
# or from a resource's lifecycle, as below.
action "realtime_send" "deploy_started" {
  config {
    channels = ["deploys"]
    message  = "deploy of web started"
  }
}

resource "terraform_data" "web_release" {
  input = "v1.4.2"

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.realtime_send.deploy_started]
    }
  }
}
