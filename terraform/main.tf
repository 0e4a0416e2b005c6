terraform {
  required_version = ">= 1.5"
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 6.0"
    }
  }
}

provider "google" {
  project = var.project_id
  region  = var.region
}

locals {
  services = [
    "cloudfunctions.googleapis.com", "run.googleapis.com", "cloudbuild.googleapis.com",
    "firestore.googleapis.com", "pubsub.googleapis.com", "cloudtasks.googleapis.com",
    "cloudscheduler.googleapis.com", "cloudkms.googleapis.com", "gmail.googleapis.com",
    "secretmanager.googleapis.com", "eventarc.googleapis.com",
  ]
  # 2nd-gen functions keep this stable URL form, so functions can name each other without a cycle
  function_base_url = "https://${var.region}-${var.project_id}.cloudfunctions.net"
  indexes           = jsondecode(file("${path.module}/../firestore.indexes.json")).indexes
  # TTL policies and single-field index settings, from the same file the emulator suite reads
  field_overrides = jsondecode(file("${path.module}/../firestore.indexes.json")).fieldOverrides
  # entry point => settings; every function runs as the same least-privilege runtime account
  functions = {
    api            = { public = true, timeout = 60 }
    oauthCallback  = { public = true, timeout = 120 }
    gmailPush      = { public = false, timeout = 60 }
    syncMailbox    = { public = false, timeout = 540 }
    deliverWebhook = { public = false, timeout = 60 }
    control        = { public = false, timeout = 900 }
  }
}

resource "google_project_service" "enabled" {
  for_each           = toset(local.services)
  service            = each.value
  disable_on_destroy = false
}

resource "google_service_account" "runtime" {
  account_id   = "mailmon-runtime"
  display_name = "Mailmon functions runtime"
}

resource "google_service_account" "invoker" {
  account_id   = "mailmon-invoker"
  display_name = "Mailmon Pub/Sub, Cloud Tasks and Scheduler invoker (OIDC signer)"
}

resource "google_project_iam_member" "runtime_roles" {
  for_each = toset([
    "roles/datastore.user",
    "roles/pubsub.publisher",
    "roles/cloudtasks.enqueuer",
    "roles/logging.logWriter",
  ])
  project = var.project_id
  role    = each.value
  member  = "serviceAccount:${google_service_account.runtime.email}"
}

# the runtime may mint OIDC tokens as the invoker when it enqueues Cloud Tasks
resource "google_service_account_iam_member" "runtime_acts_as_invoker" {
  service_account_id = google_service_account.invoker.name
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:${google_service_account.runtime.email}"
}

resource "google_firestore_database" "default" {
  name        = "(default)"
  location_id = var.region
  type        = "FIRESTORE_NATIVE"
  depends_on  = [google_project_service.enabled]
}

resource "google_firestore_index" "composite" {
  for_each    = { for i, index in local.indexes : tostring(i) => index }
  database    = google_firestore_database.default.name
  collection  = each.value.collectionGroup
  query_scope = each.value.queryScope
  dynamic "fields" {
    for_each = each.value.fields
    content {
      field_path   = fields.value.fieldPath
      order        = lookup(fields.value, "order", null)
      array_config = lookup(fields.value, "arrayConfig", null)
    }
  }
}

# the TTL fields were managed by a resource of their own before; keep them in place, do not recreate them
moved {
  from = google_firestore_field.ttl["syncRuns"]
  to   = google_firestore_field.override["syncRuns.expireAt"]
}
moved {
  from = google_firestore_field.ttl["deliveries"]
  to   = google_firestore_field.override["deliveries.expireAt"]
}
moved {
  from = google_firestore_field.ttl["localTasks"]
  to   = google_firestore_field.override["localTasks.expireAt"]
}
moved {
  from = google_firestore_field.ttl["connectSessions"]
  to   = google_firestore_field.override["connectSessions.expireAt"]
}

resource "google_firestore_field" "override" {
  for_each   = { for f in local.field_overrides : "${f.collectionGroup}.${f.fieldPath}" => f }
  database   = google_firestore_database.default.name
  collection = each.value.collectionGroup
  field      = each.value.fieldPath
  dynamic "ttl_config" {
    for_each = lookup(each.value, "ttl", false) ? [true] : []
    content {}
  }
  index_config {
    dynamic "indexes" {
      for_each = each.value.indexes
      content {
        query_scope  = indexes.value.queryScope
        order        = lookup(indexes.value, "order", null)
        array_config = lookup(indexes.value, "arrayConfig", null)
      }
    }
  }
}

resource "google_kms_key_ring" "mailmon" {
  name     = "mailmon"
  location = var.region
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
  member        = "serviceAccount:${google_service_account.runtime.email}"
}

resource "google_pubsub_topic" "gmail_watch" {
  name = "mailmon-gmail-watch"
}

# Gmail publishes watch notifications as this Google-owned account
resource "google_pubsub_topic_iam_member" "gmail_publishes" {
  topic  = google_pubsub_topic.gmail_watch.name
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:gmail-api-push@system.gserviceaccount.com"
}

resource "google_pubsub_topic" "sync_dispatch" {
  name = "mailmon-sync-dispatch"
}

resource "google_pubsub_topic" "dead_letter" {
  name = "mailmon-dead-letter"
}

resource "google_cloud_tasks_queue" "webhooks" {
  name     = "mailmon-webhooks"
  location = var.region
  rate_limits {
    max_dispatches_per_second = 500
    max_concurrent_dispatches = 1000
  }
  retry_config {
    # deliverWebhook schedules its own next attempt; Cloud Tasks only retries transport failures
    max_attempts = 3
    min_backoff  = "5s"
  }
}
