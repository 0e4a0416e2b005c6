# the archive `npm run package` writes; its name carries its content hash, so a changed build is a new object
# (and a redeploy of every function) while an unchanged one changes nothing
locals {
  source_object = "function-source-${substr(filesha256(var.source_archive), 0, 16)}.zip"
}

resource "google_storage_bucket" "source" {
  name                        = "${var.project_id}-mailmon-source"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  depends_on                  = [google_project_service.enabled]
}

resource "google_storage_bucket_object" "source" {
  bucket = google_storage_bucket.source.name
  name   = local.source_object
  source = var.source_archive
}

resource "google_cloudfunctions2_function" "fn" {
  for_each = local.functions
  name     = "mailmon-${lower(each.key)}"
  location = var.region

  build_config {
    runtime         = "nodejs24"
    entry_point     = each.key
    service_account = google_service_account.build.id
    source {
      storage_source {
        bucket = google_storage_bucket.source.name
        object = google_storage_bucket_object.source.name
      }
    }
  }

  service_config {
    service_account_email            = google_service_account.runtime.email
    timeout_seconds                  = each.value.timeout
    available_memory                 = "512Mi"
    available_cpu                    = "1"
    max_instance_request_concurrency = each.value.concurrency
    max_instance_count               = lookup(var.max_instances, each.key, 20)
    ingress_settings                 = "ALLOW_ALL"
    all_traffic_on_latest_revision   = true
    environment_variables = {
      # the Functions Framework's own error pages (e.g. an unparsable JSON body) never echo a stack trace
      NODE_ENV                    = "production"
      MAILMON_MODE                = "gcp"
      MAILMON_PROJECT_ID          = var.project_id
      MAILMON_LOG_LEVEL           = var.log_level
      MAILMON_API_URL             = local.api_url
      MAILMON_OAUTH_CLIENT_ID     = var.oauth_client_id
      MAILMON_OAUTH_REDIRECT_URL  = local.function_urls["oauthCallback"]
      MAILMON_DELIVER_WEBHOOK_URL = local.function_urls["deliverWebhook"]
      MAILMON_KMS_KEY             = google_kms_crypto_key.credentials.id
      MAILMON_GMAIL_TOPIC         = google_pubsub_topic.gmail_watch.id
      MAILMON_SYNC_TOPIC          = google_pubsub_topic.sync_dispatch.id
      MAILMON_TASKS_QUEUE         = google_cloud_tasks_queue.webhooks.id
      MAILMON_INVOKER_EMAILS      = google_service_account.invoker.email
      # each function accepts tokens minted for its own URL only: a token for one cannot call another
      MAILMON_OIDC_AUDIENCES = "${each.key}=${local.function_urls[each.key]}"
    }
    secret_environment_variables {
      key        = "MAILMON_OAUTH_CLIENT_SECRET"
      project_id = var.project_id
      secret     = var.oauth_client_secret_secret_id
      version    = "latest"
    }
  }
  depends_on = [
    google_project_service.enabled,
    google_project_iam_member.build_roles,
    google_secret_manager_secret_iam_member.runtime_reads_oauth_secret,
  ]
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
