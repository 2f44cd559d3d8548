# Keys come from the environment in CI (REALTIME_APPLICATION_KEY, REALTIME_PRIVATE_KEY);
# never commit a private key.
provider "realtime" {
  application_key = "myAppKey"

  # Defaults shown; every URL can also come from REALTIME_CLUSTER_URL / REALTIME_PUSH_URL.
  cluster_url     = "https://ortc-developers.realtime.co/server/ssl/2.1"
  push_url        = "https://ortc-mobilepush.realtime.co/mp"
  request_timeout = "15s"
  max_retries     = 4
}

# Against the local emulator (make emulator; bin/realtime-emulator -app demo-app:demo-private-key):
# provider "realtime" {
#   application_key = "demo-app"
#   private_key     = "demo-private-key"
#   cluster_url     = "http://127.0.0.1:8080/server/2.1"
#   push_url        = "http://127.0.0.1:8080/mp"
# }
