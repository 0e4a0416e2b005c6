resource "google_cloudfunctions2_function" "fn" {
  for_each = local.functions
  name     = "mailmon-${lower(each.key)}"
  location = var.region

  build_config {
    runtime     = "nodejs20"
    entry_point = each.key
    source {
      storage_source {
        bucket = var.source_archive_bucket
        object = var.source_archive_object
      }
    }
  }

  service_config {
    service_account_email = google_service_account.runtime.email
    timeout_seconds       = each.value.timeout
    available_memory      = "512Mi"
    ingress_settings      = "ALLOW_ALL"
    environment_variables = {
      # the Functions Framework's own error pages (e.g. an unparsable JSON body) never echo a stack trace
      NODE_ENV                = "production"
      MAILMON_MODE            = "gcp"
      MAILMON_PROJECT_ID      = var.project_id
      MAILMON_OAUTH_CLIENT_ID     = var.oauth_client_id
      MAILMON_API_URL             = var.public_base_url
      MAILMON_OAUTH_REDIRECT_URL  = "${local.function_base_url}/mailmon-oauthcallback"
      MAILMON_DELIVER_WEBHOOK_URL = "${local.function_base_url}/mailmon-deliverwebhook"
      MAILMON_KMS_KEY             = google_kms_crypto_key.credentials.id
      MAILMON_GMAIL_TOPIC         = google_pubsub_topic.gmail_watch.id
      MAILMON_SYNC_TOPIC          = google_pubsub_topic.sync_dispatch.id
      MAILMON_TASKS_QUEUE         = google_cloud_tasks_queue.webhooks.id
      MAILMON_INVOKER_EMAILS      = google_service_account.invoker.email
      MAILMON_OIDC_AUDIENCES      = join(",", [for name in ["gmailpush", "syncmailbox", "deliverwebhook", "control"] : "${local.function_base_url}/mailmon-${name}"])
    }
    secret_environment_variables {
      key        = "MAILMON_OAUTH_CLIENT_SECRET"
      project_id = var.project_id
      secret     = var.oauth_client_secret_secret_id
      version    = "latest"
    }
  }
  depends_on = [google_project_service.enabled]
}

# public entry points: authenticated by API keys / OAuth state inside the function
resource "google_cloud_run_service_iam_member" "public" {
  for_each = { for name, fn in local.functions : name => fn if fn.public }
  location = var.region
  service  = google_cloudfunctions2_function.fn[each.key].service_config[0].service
  role     = "roles/run.invoker"
  member   = "allUsers"
}

# private entry points: only the invoker account (and the functions verify its OIDC token themselves)
resource "google_cloud_run_service_iam_member" "invoker" {
  for_each = { for name, fn in local.functions : name => fn if !fn.public }
  location = var.region
  service  = google_cloudfunctions2_function.fn[each.key].service_config[0].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.invoker.email}"
}

resource "google_pubsub_subscription" "gmail_push" {
  name                 = "mailmon-gmail-push"
  topic                = google_pubsub_topic.gmail_watch.id
  ack_deadline_seconds = 60
  push_config {
    push_endpoint = google_cloudfunctions2_function.fn["gmailPush"].service_config[0].uri
    oidc_token {
      service_account_email = google_service_account.invoker.email
      audience              = "${local.function_base_url}/mailmon-gmailpush"
    }
  }
  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter.id
    max_delivery_attempts = 10
  }
  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }
}

resource "google_pubsub_subscription" "sync_push" {
  name                 = "mailmon-sync-push"
  topic                = google_pubsub_topic.sync_dispatch.id
  ack_deadline_seconds = 600
  push_config {
    push_endpoint = google_cloudfunctions2_function.fn["syncMailbox"].service_config[0].uri
    oidc_token {
      service_account_email = google_service_account.invoker.email
      audience              = "${local.function_base_url}/mailmon-syncmailbox"
    }
  }
  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter.id
    max_delivery_attempts = 20
  }
  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }
}

resource "google_cloud_scheduler_job" "control" {
  for_each  = var.control_schedules
  name      = "mailmon-${replace(each.key, "_", "-")}"
  region    = var.region
  schedule  = each.value
  time_zone = "Etc/UTC"
  http_target {
    http_method = "POST"
    uri         = "${google_cloudfunctions2_function.fn["control"].service_config[0].uri}/jobs/${each.key}"
    oidc_token {
      service_account_email = google_service_account.invoker.email
      audience              = "${local.function_base_url}/mailmon-control"
    }
  }
}
