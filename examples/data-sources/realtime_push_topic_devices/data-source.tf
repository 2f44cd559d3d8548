data "realtime_push_topic_devices" "customers" {
  topic = "customers"
}

output "customer_devices" {
  value = data.realtime_push_topic_devices.customers.device_count
}
