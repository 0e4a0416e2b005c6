data "google_project" "this" {
  project_id = var.project_id
}

locals {
  services = [
    "artifactregistry.googleapis.com", "cloudbuild.googleapis.com", "cloudfunctions.googleapis.com",
    "cloudkms.googleapis.com", "cloudresourcemanager.googleapis.com", "cloudscheduler.googleapis.com",
    "cloudtasks.googleapis.com", "firebaserules.googleapis.com", "firestore.googleapis.com",
    "gmail.googleapis.com", "iam.googleapis.com", "logging.googleapis.com", "monitoring.googleapis.com",
    "pubsub.googleapis.com", "run.googleapis.com", "secretmanager.googleapis.com", "storage.googleapis.com",
  ]
  # entry point => settings; every function runs as the same least-privilege runtime account
  functions = {
    api            = { public = true, timeout = 60, concurrency = 40 }
    oauthCallback  = { public = true, timeout = 120, concurrency = 10 }
    gmailPush      = { public = false, timeout = 60, concurrency = 40 }
    syncMailbox    = { public = false, timeout = 540, concurrency = 4 }
    deliverWebhook = { public = false, timeout = 60, concurrency = 40 }
    control        = { public = false, timeout = 900, concurrency = 1 }
  }
  # Cloud Run's deterministic URL of each function's service, known before the service exists: the functions
  # name each other with it, and it is the audience every OIDC token is minted for (Cloud Run accepts it)
  function_urls = {
    for name in keys(local.functions) :
    name => "https://mailmon-${lower(name)}-${data.google_project.this.number}.${var.region}.run.app"
  }
  api_url                = var.public_base_url != "" ? var.public_base_url : local.function_urls["api"]
  pubsub_service_agent   = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
  runtime_member         = "serviceAccount:${google_service_account.runtime.email}"
  control_budget_seconds = local.functions["control"].timeout
}

resource "google_project_service" "enabled" {
  for_each           = toset(local.services)
  service            = each.value
  disable_on_destroy = false
}

resource "google_service_account" "runtime" {
  account_id   = "mailmon-runtime"
  display_name = "Mailmon functions runtime"
  depends_on   = [google_project_service.enabled]
}

resource "google_service_account" "invoker" {
  account_id   = "mailmon-invoker"
  display_name = "Mailmon Pub/Sub, Cloud Tasks and Scheduler invoker (OIDC signer)"
  depends_on   = [google_project_service.enabled]
}

resource "google_service_account" "build" {
  account_id   = "mailmon-build"
  display_name = "Mailmon function builds (Cloud Build)"
  depends_on   = [google_project_service.enabled]
}

# the runtime reads and writes Firestore and writes its logs; topics, the queue, the key and the secret are
# granted one by one below
resource "google_project_iam_member" "runtime_roles" {
  for_each = toset(["roles/datastore.user", "roles/logging.logWriter"])
  project  = var.project_id
  role     = each.value
  member   = local.runtime_member
}

# builds write their logs, push images to Artifact Registry and read the source archive
resource "google_project_iam_member" "build_roles" {
  for_each = toset(["roles/logging.logWriter", "roles/artifactregistry.writer", "roles/storage.objectViewer"])
  project  = var.project_id
  role     = each.value
  member   = "serviceAccount:${google_service_account.build.email}"
}

# the runtime mints OIDC tokens as the invoker when it enqueues Cloud Tasks
resource "google_service_account_iam_member" "runtime_acts_as_invoker" {
  service_account_id = google_service_account.invoker.name
  role               = "roles/iam.serviceAccountUser"
  member             = local.runtime_member
}

# Pub/Sub signs push requests with the invoker's OIDC tokens
resource "google_service_account_iam_member" "pubsub_mints_invoker_tokens" {
  service_account_id = google_service_account.invoker.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_service_agent
  depends_on         = [google_project_service.enabled]
}

# the OAuth client secret stays in Secret Manager: terraform only grants access to it, by reference
resource "google_secret_manager_secret_iam_member" "runtime_reads_oauth_secret" {
  project    = var.project_id
  secret_id  = var.oauth_client_secret_secret_id
  role       = "roles/secretmanager.secretAccessor"
  member     = local.runtime_member
  depends_on = [google_project_service.enabled]
}

resource "google_kms_key_ring" "mailmon" {
  name       = "mailmon"
  location   = var.region
  depends_on = [google_project_service.enabled]
}

resource "google_kms_crypto_key" "credentials" {
  name            = "credentials"
  key_ring        = google_kms_key_ring.mailmon.id
  rotation_period = "7776000s"
  lifecycle {
    prevent_destroy = true
  }
}

resource "google_kms_crypto_key_iam_member" "runtime_uses_key" {
  crypto_key_id = google_kms_crypto_key.credentials.id
  role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member        = local.runtime_member
}

resource "google_cloud_tasks_queue" "webhooks" {
  name     = "mailmon-webhooks"
  location = var.region
  rate_limits {
    max_dispatches_per_second = 500
    max_concurrent_dispatches = var.webhook_max_concurrent_dispatches
  }
  retry_config {
    # deliverWebhook schedules its own next attempt; Cloud Tasks only retries transport failures
    max_attempts = 5
    min_backoff  = "5s"
    max_backoff  = "300s"
  }
  depends_on = [google_project_service.enabled]
}

resource "google_cloud_tasks_queue_iam_member" "runtime_enqueues" {
  name     = google_cloud_tasks_queue.webhooks.name
  location = var.region
  role     = "roles/cloudtasks.enqueuer"
  member   = local.runtime_member
}
