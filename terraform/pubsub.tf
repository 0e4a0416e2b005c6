resource "google_pubsub_topic" "gmail_watch" {
  name       = "mailmon-gmail-watch"
  depends_on = [google_project_service.enabled]
}

# Gmail publishes watch notifications as this Google-owned account
resource "google_pubsub_topic_iam_member" "gmail_publishes" {
  topic  = google_pubsub_topic.gmail_watch.name
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:gmail-api-push@system.gserviceaccount.com"
}

resource "google_pubsub_topic" "sync_dispatch" {
  name       = "mailmon-sync-dispatch"
  depends_on = [google_project_service.enabled]
}

resource "google_pubsub_topic_iam_member" "runtime_dispatches" {
  topic  = google_pubsub_topic.sync_dispatch.name
  role   = "roles/pubsub.publisher"
  member = local.runtime_member
}

resource "google_pubsub_topic" "dead_letter" {
  name       = "mailmon-dead-letter"
  depends_on = [google_project_service.enabled]
}

resource "google_pubsub_subscription" "gmail_push" {
  name                 = "mailmon-gmail-push"
  topic                = google_pubsub_topic.gmail_watch.id
  ack_deadline_seconds = 60
  push_config {
    push_endpoint = local.function_urls["gmailPush"]
    oidc_token {
      service_account_email = google_service_account.invoker.email
      audience              = local.function_urls["gmailPush"]
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
  expiration_policy {
    ttl = ""
  }
}

resource "google_pubsub_subscription" "sync_push" {
  name  = "mailmon-sync-push"
  topic = google_pubsub_topic.sync_dispatch.id
  # at least the function's timeout: for a push subscription it is also the request's deadline
  ack_deadline_seconds = 600
  push_config {
    push_endpoint = local.function_urls["syncMailbox"]
    oidc_token {
      service_account_email = google_service_account.invoker.email
      audience              = local.function_urls["syncMailbox"]
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
  expiration_policy {
    ttl = ""
  }
}

# dead letters go to control, which marks the mailbox of a dead-lettered sync and logs every letter for the
# dispatch_dead_lettered metric; a letter it cannot record is redelivered, never dropped
resource "google_pubsub_subscription" "dead_letter_push" {
  name                       = "mailmon-dead-letter-push"
  topic                      = google_pubsub_topic.dead_letter.id
  ack_deadline_seconds       = 60
  message_retention_duration = "604800s"
  push_config {
    push_endpoint = "${local.function_urls["control"]}/dead-letters"
    oidc_token {
      service_account_email = google_service_account.invoker.email
      audience              = local.function_urls["control"]
    }
  }
  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }
  expiration_policy {
    ttl = ""
  }
}

# Pub/Sub's own service agent moves undeliverable messages: it publishes to the dead-letter topic and
# acknowledges them on the subscriptions they came from
resource "google_pubsub_topic_iam_member" "pubsub_publishes_dead_letters" {
  topic      = google_pubsub_topic.dead_letter.name
  role       = "roles/pubsub.publisher"
  member     = local.pubsub_service_agent
  depends_on = [google_project_service.enabled]
}

resource "google_pubsub_subscription_iam_member" "pubsub_forwards_dead_letters" {
  for_each = {
    gmail_push = google_pubsub_subscription.gmail_push.name
    sync_push  = google_pubsub_subscription.sync_push.name
  }
  subscription = each.value
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_service_agent
}
