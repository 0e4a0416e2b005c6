# Log-based metrics and alerts over the functions' structured logs. Every metric counts the entries whose
# `jsonPayload.event` is one of shared/runtime/log-events.ts; the runbook of each alert is its documentation
# (and docs/deploy.md, "Alerts and what to do"). Metric labels stay low-cardinality; the mailbox and delivery
# ids are labels of the log entries themselves, for Logs Explorer.
locals {
  log_scope = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=~\"^mailmon-\""
  counters = {
    sync_failures = {
      event     = "sync_failed"
      labels    = ["ack"]
      title     = "Mailmon: syncs failing"
      threshold = 10
      window    = 900
      runbook   = "Syncs did not complete. In Logs Explorer run `jsonPayload.event=\"sync_failed\"` and group by the mailboxId label. ack=retry means Gmail throttled or answered 5xx and Pub/Sub redelivers: it passes by itself unless it keeps rising; ack=ack means an error retrying cannot fix: read errorMessage, then the mailbox's lastError (GET /v1/mailboxes/<id>/health)."
    }
    reconnect_required = {
      event     = "mailbox_reconnect_required"
      labels    = []
      title     = "Mailmon: mailboxes need reconnecting"
      threshold = 0
      window    = 3600
      runbook   = "A mailbox's Google grant was revoked or expired (invalid_grant) and its owner must reconnect it: create a connect session with the same tenantExternalId and mailboxExternalId and send its connectUrl to the user; the mailbox resumes from its cursor. Many at once after a deploy usually mean a changed OAuth client or scopes."
    }
    dead_lettered = {
      event     = "dispatch_dead_lettered"
      labels    = ["source"]
      title     = "Mailmon: dispatches dead-lettered"
      threshold = 0
      window    = 300
      runbook   = "Pub/Sub gave up on a message after its last delivery attempt. source=sync: the mailbox now shows lastError.code dispatch_retry_exhausted and poll_mailboxes dispatches it again within 10 minutes; find the cause in its sync_failed entries. source=gmail_push: gmailPush kept failing (see gmail_push_failed); polling catches up. source=unreadable: a message control could not decode, look at the entry's errorMessage."
    }
    delivery_failures = {
      event     = "delivery_failed"
      labels    = ["reason"]
      title     = "Mailmon: webhook deliveries failing"
      threshold = 20
      window    = 900
      runbook   = "Deliveries ended without reaching their endpoint (reason: retries_exhausted, rejected, endpoint_gone, endpoint_disabled, refused). Look up a deliveryId with GET /v1/deliveries/<id> to see every attempt's status and response; a customer can re-send with POST /v1/replays once the endpoint works."
    }
    endpoints_disabled = {
      event     = "endpoint_disabled"
      labels    = ["reason"]
      title     = "Mailmon: webhook endpoints disabled"
      threshold = 0
      window    = 300
      runbook   = "An endpoint answered 410 Gone or failed for 5 days without a success, and Mailmon disabled it (an endpoint.disabled operator event records it). Tell its owner; once it works they re-enable it (PATCH /v1/webhook-endpoints/<id> {\"enabled\": true}) and replay the gap."
    }
    control_job_failures = {
      event     = "control_job_failed"
      labels    = ["job"]
      title     = "Mailmon: control jobs failing"
      threshold = 0
      window    = 900
      runbook   = "A Cloud Scheduler job threw (label job). Its entries carry errorMessage; Cloud Scheduler retries once and the job runs again on its schedule. Persistent failures of renew_watches stop Gmail pushes (polling still syncs); of recover_webhook_deliveries or dispatch_replays, deliveries wait."
    }
    gmail_push_failures = {
      event     = "gmail_push_failed"
      labels    = ["kind"]
      title     = "Mailmon: Gmail pushes failing"
      threshold = 5
      window    = 600
      runbook   = "gmailPush could not handle Gmail notifications. kind=malformed: the watch topic receives messages that are not Gmail's (check who publishes to it). kind=error: Firestore or Pub/Sub failed and Pub/Sub redelivers; mailboxes are still polled every 10 minutes."
    }
    refused_callers = {
      event     = "caller_refused"
      labels    = ["function"]
      title     = "Mailmon: private functions refusing callers"
      threshold = 0
      window    = 600
      runbook   = "A private function refused a request's OIDC token (401 without a valid token, 403 for another audience or signer). After a deploy this means an audience or invoker account mismatch: compare the subscription's or job's audience with terraform output function_urls. Otherwise someone is calling a private function directly."
    }
  }
}

resource "google_logging_metric" "counter" {
  for_each    = local.counters
  name        = "mailmon_${each.key}"
  description = each.value.title
  filter      = "${local.log_scope} AND jsonPayload.event=\"${each.value.event}\""
  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
    dynamic "labels" {
      for_each = each.value.labels
      content {
        key        = labels.value
        value_type = "STRING"
      }
    }
  }
  label_extractors = { for label in each.value.labels : label => "EXTRACT(jsonPayload.${label})" }
  depends_on       = [google_project_service.enabled]
}

resource "google_logging_metric" "oldest_pending_delivery_age" {
  name            = "mailmon_oldest_pending_delivery_age"
  description     = "Mailmon: age of the oldest pending webhook delivery, measured every recover_webhook_deliveries run"
  filter          = "${local.log_scope} AND jsonPayload.event=\"delivery_backlog\""
  value_extractor = "EXTRACT(jsonPayload.oldestPendingDeliveryAgeSeconds)"
  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "DISTRIBUTION"
    unit        = "s"
  }
  bucket_options {
    exponential_buckets {
      num_finite_buckets = 24
      growth_factor      = 2
      scale              = 1
    }
  }
  depends_on = [google_project_service.enabled]
}

resource "google_monitoring_alert_policy" "counter" {
  for_each              = local.counters
  display_name          = each.value.title
  combiner              = "OR"
  notification_channels = var.notification_channels
  conditions {
    display_name = "${each.value.event} entries above ${each.value.threshold} in ${each.value.window / 60} min"
    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.counter[each.key].name}\" AND resource.type=\"cloud_run_revision\""
      comparison      = "COMPARISON_GT"
      threshold_value = each.value.threshold
      duration        = "0s"
      aggregations {
        alignment_period     = "${each.value.window}s"
        per_series_aligner   = "ALIGN_DELTA"
        cross_series_reducer = "REDUCE_SUM"
      }
      trigger {
        count = 1
      }
    }
  }
  documentation {
    content   = each.value.runbook
    mime_type = "text/markdown"
  }
  alert_strategy {
    auto_close = "1800s"
  }
}

resource "google_monitoring_alert_policy" "oldest_pending_delivery" {
  display_name          = "Mailmon: webhook delivery backlog is old"
  combiner              = "OR"
  notification_channels = var.notification_channels
  conditions {
    display_name = "oldest pending delivery older than ${var.alert_oldest_pending_delivery_seconds} s"
    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.oldest_pending_delivery_age.name}\" AND resource.type=\"cloud_run_revision\""
      comparison      = "COMPARISON_GT"
      threshold_value = var.alert_oldest_pending_delivery_seconds
      duration        = "600s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_PERCENTILE_99"
        cross_series_reducer = "REDUCE_MAX"
      }
      trigger {
        count = 1
      }
    }
  }
  documentation {
    content   = "A webhook delivery has been pending for longer than the threshold. Usually an endpoint keeps failing (its deliveries retry for up to 5 days; see the delivery failures chart and GET /v1/observability for failing endpoints). If no endpoint is failing, attempts lost their tasks: recover_webhook_deliveries re-enqueues overdue ones every 5 minutes, so check control_job_failed and the Cloud Tasks queue's depth on the dashboard."
    mime_type = "text/markdown"
  }
  alert_strategy {
    auto_close = "1800s"
  }
}

locals {
  counter_tiles = [
    for i, key in keys(local.counters) : {
      xPos   = (i % 2) * 6
      yPos   = floor(i / 2) * 4
      width  = 6
      height = 4
      widget = {
        title = local.counters[key].title
        xyChart = {
          dataSets = [{
            plotType = "STACKED_BAR"
            timeSeriesQuery = {
              timeSeriesFilter = {
                filter = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.counter[key].name}\" AND resource.type=\"cloud_run_revision\""
                aggregation = {
                  alignmentPeriod    = "300s"
                  perSeriesAligner   = "ALIGN_DELTA"
                  crossSeriesReducer = "REDUCE_SUM"
                  groupByFields      = [for label in local.counters[key].labels : "metric.label.\"${label}\""]
                }
              }
            }
          }]
        }
      }
    }
  ]
  counter_rows = ceil(length(local.counters) / 2) * 4
  builtin_charts = [
    { title = "Oldest pending webhook delivery (s, p99)", filter = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.oldest_pending_delivery_age.name}\" AND resource.type=\"cloud_run_revision\"", aligner = "ALIGN_PERCENTILE_99", reducer = "REDUCE_MAX", group = [] },
    { title = "Requests by function and status", filter = "metric.type=\"run.googleapis.com/request_count\" AND resource.type=\"cloud_run_revision\" AND resource.label.\"service_name\"=monitoring.regex.full_match(\"mailmon-.*\")", aligner = "ALIGN_RATE", reducer = "REDUCE_SUM", group = ["resource.label.\"service_name\"", "metric.label.\"response_code_class\""] },
    { title = "Pub/Sub backlog (undelivered messages)", filter = "metric.type=\"pubsub.googleapis.com/subscription/num_undelivered_messages\" AND resource.type=\"pubsub_subscription\"", aligner = "ALIGN_MAX", reducer = "REDUCE_MAX", group = ["resource.label.\"subscription_id\""] },
    { title = "Pub/Sub oldest unacked message (s)", filter = "metric.type=\"pubsub.googleapis.com/subscription/oldest_unacked_message_age\" AND resource.type=\"pubsub_subscription\"", aligner = "ALIGN_MAX", reducer = "REDUCE_MAX", group = ["resource.label.\"subscription_id\""] },
    { title = "Webhook task queue depth", filter = "metric.type=\"cloudtasks.googleapis.com/queue/depth\" AND resource.type=\"cloud_tasks_queue\"", aligner = "ALIGN_MAX", reducer = "REDUCE_MAX", group = ["resource.label.\"queue_id\""] },
    { title = "Function latency p95 (ms)", filter = "metric.type=\"run.googleapis.com/request_latencies\" AND resource.type=\"cloud_run_revision\" AND resource.label.\"service_name\"=monitoring.regex.full_match(\"mailmon-.*\")", aligner = "ALIGN_PERCENTILE_95", reducer = "REDUCE_MAX", group = ["resource.label.\"service_name\""] },
  ]
  builtin_tiles = [
    for i, chart in local.builtin_charts : {
      xPos   = (i % 2) * 6
      yPos   = local.counter_rows + floor(i / 2) * 4
      width  = 6
      height = 4
      widget = {
        title = chart.title
        xyChart = {
          dataSets = [{
            plotType = "LINE"
            timeSeriesQuery = {
              timeSeriesFilter = {
                filter = chart.filter
                aggregation = {
                  alignmentPeriod    = "300s"
                  perSeriesAligner   = chart.aligner
                  crossSeriesReducer = chart.reducer
                  groupByFields      = chart.group
                }
              }
            }
          }]
        }
      }
    }
  ]
}

resource "google_monitoring_dashboard" "mailmon" {
  dashboard_json = jsonencode({
    displayName  = "Mailmon"
    mosaicLayout = { columns = 12, tiles = concat(local.counter_tiles, local.builtin_tiles) }
  })
  depends_on = [google_project_service.enabled]
}
