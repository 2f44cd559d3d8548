# Every push topic of the application, all pages, sorted: audit them in plans.
data "realtime_push_topics" "all" {}

output "push_topics" {
  value = data.realtime_push_topics.all.topics
}
