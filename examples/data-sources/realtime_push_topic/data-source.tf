data "realtime_push_topic" "customers" {
  topic = "customers"
}

output "customers_subscribed" {
  value = data.realtime_push_topic.customers.subscribed
}
