resource "google_cloud_scheduler_job" "control" {
  for_each  = var.control_schedules
  name      = "mailmon-${replace(each.key, "_", "-")}"
  region    = var.region
  schedule  = each.value
  time_zone = "Etc/UTC"
  # the job may use control's whole timeout; Scheduler would otherwise give up after its default 3 minutes
  attempt_deadline = "${local.control_budget_seconds + 60}s"
  retry_config {
    # every job is idempotent, and the next run comes soon: one retry covers a cold start or a lost instance
    retry_count          = 1
    min_backoff_duration = "30s"
    max_backoff_duration = "300s"
  }
  http_target {
    http_method = "POST"
    uri         = "${local.function_urls["control"]}/jobs/${each.key}"
    oidc_token {
      service_account_email = google_service_account.invoker.email
      audience              = local.function_urls["control"]
    }
  }
  depends_on = [google_project_service.enabled, google_cloud_run_service_iam_member.invoker]
}
