output "function_urls" {
  value       = local.function_urls
  description = "Each function's URL (Cloud Run's deterministic run.app URL), by entry point."
}

output "api_url" {
  value       = local.api_url
  description = "Base URL of the public API (MAILMON_API_URL): /v1/... and /healthz."
}

output "oauth_redirect_url" {
  value       = local.function_urls["oauthCallback"]
  description = "Authorized redirect URI to register on the OAuth client."
}

output "gmail_watch_topic" {
  value       = google_pubsub_topic.gmail_watch.id
  description = "Topic name the functions pass to users.watch."
}

output "source_object" {
  value       = "gs://${google_storage_bucket.source.name}/${google_storage_bucket_object.source.name}"
  description = "The function source archive the functions were built from."
}

output "invoker_service_account" {
  value       = google_service_account.invoker.email
  description = "The account whose OIDC tokens the private functions accept (Pub/Sub, Cloud Tasks, Scheduler)."
}

output "dashboard_url" {
  value       = "https://console.cloud.google.com/monitoring/dashboards/builder/${element(split("/", google_monitoring_dashboard.mailmon.id), 3)}?project=${var.project_id}"
  description = "The Mailmon dashboard in the Cloud console."
}
