# Which messaging server the cluster hands out for this application key.
data "realtime_server" "current" {}

output "server_url" {
  value = data.realtime_server.current.url
}
