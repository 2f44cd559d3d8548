# Terraform 1.10 and later. A short-lived token with exactly the channels a job
# needs; it is never written to plan or state and is revoked when the run ends.
ephemeral "realtime_token" "ci" {
  ttl = 600
  permissions = {
    "deploys"    = "w"
    "ops:alerts" = "r"
  }
}

# Hand it to something that needs it only during this run, e.g. another provider:
# provider "example" {
#   realtime_token = ephemeral.realtime_token.ci.token
# }
