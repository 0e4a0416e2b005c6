output "function_urls" {
  value = { for name, fn in google_cloudfunctions2_function.fn : name => fn.service_config[0].uri }
}

output "gmail_watch_topic" {
  value       = google_pubsub_topic.gmail_watch.id
  description = "Topic name to pass to users.watch."
}
