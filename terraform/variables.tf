variable "project_id" {
  type        = string
  description = "GCP project that hosts Mailmon. Its OAuth client and the Gmail watch topic live here too."
}

variable "region" {
  type        = string
  default     = "us-central1"
  description = "Region for functions, queues, scheduler jobs, the source bucket and the KMS key ring."
}

variable "firestore_location" {
  type        = string
  default     = ""
  description = "Firestore location (a region such as us-central1, or a multi-region such as nam5); empty means var.region."
}

variable "source_archive" {
  type        = string
  default     = "../dist/function-source.zip"
  description = "Path of the archive `npm run package` writes, relative to the terraform folder."
}

variable "oauth_client_id" {
  type        = string
  description = "Client id of the Google OAuth client (Web application) used for the Gmail connect flow."
}

variable "oauth_client_secret_secret_id" {
  type        = string
  default     = "mailmon-oauth-client-secret"
  description = "Secret Manager secret (in project_id) holding the OAuth client secret; terraform only references it."
}

variable "public_base_url" {
  type        = string
  default     = ""
  description = "Public base URL of the api function, if it is served behind your own domain; empty means its run.app URL."
}

variable "log_level" {
  type        = string
  default     = "info"
  description = "Lowest log severity the functions write: debug, info, warn or error."
  validation {
    condition     = contains(["debug", "info", "warn", "error"], var.log_level)
    error_message = "log_level must be one of debug, info, warn, error."
  }
}

variable "max_instances" {
  type        = map(number)
  default     = { api = 20, oauthCallback = 5, gmailPush = 20, syncMailbox = 50, deliverWebhook = 50, control = 3 }
  description = "Most instances per function (by entry point); a function left out gets 20."
}

variable "webhook_max_concurrent_dispatches" {
  type        = number
  default     = 200
  description = "Cloud Tasks' cap on delivery attempts in flight across all endpoints (each endpoint has its own cap of 10)."
}

variable "control_schedules" {
  type = map(string)
  default = {
    renew_watches              = "17 */6 * * *"
    recover_stuck_syncs        = "*/5 * * * *"
    poll_mailboxes             = "*/10 * * * *"
    recover_webhook_deliveries = "*/5 * * * *"
    dispatch_replays           = "* * * * *"
    prune                      = "*/10 * * * *"
  }
  description = "Cloud Scheduler cron (UTC) per control job; it must name every job, and only those."
  validation {
    condition = (
      length(var.control_schedules) == 6 &&
      alltrue([for job in ["renew_watches", "recover_stuck_syncs", "poll_mailboxes", "recover_webhook_deliveries", "dispatch_replays", "prune"] : contains(keys(var.control_schedules), job)])
    )
    error_message = "control_schedules must name exactly: renew_watches, recover_stuck_syncs, poll_mailboxes, recover_webhook_deliveries, dispatch_replays, prune."
  }
}

variable "notification_channels" {
  type        = list(string)
  default     = []
  description = "Monitoring notification channel ids (projects/P/notificationChannels/N) every alert notifies."
}

variable "alert_oldest_pending_delivery_seconds" {
  type        = number
  default     = 3600
  description = "Alert when the oldest pending webhook delivery is older than this."
}
