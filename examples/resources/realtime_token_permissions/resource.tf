# A dashboard may read orders and see who is watching them, for one day at a time.
# The token is renewed by the first plan/apply within renew_before of expiry.
resource "realtime_token_permissions" "dashboard" {
  token = "dashboardToken01"
  ttl   = 86400 # seconds

  permissions = {
    "orders"   = "r"  # read (subscribe)
    "orders:*" = "rp" # every orders:<x> sub-channel, with presence
    "alerts"   = "w"  # write (implies read)
  }

  private      = true
  renew_before = 3600 # renew when less than an hour is left
}
