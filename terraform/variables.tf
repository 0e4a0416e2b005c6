variable "project_id" {
  type        = string
  description = "GCP project that hosts Mailmon."
}

variable "region" {
  type        = string
  default     = "us-central1"
  description = "Region for functions, queues, scheduler jobs and the KMS key ring."
}

variable "source_archive_bucket" {
  type        = string
  description = "Bucket holding the zipped build (package.json, package-lock.json, dist/)."
}

variable "source_archive_object" {
  type        = string
  description = "Object name of the zipped build inside source_archive_bucket."
}

variable "oauth_client_id" {
  type        = string
  description = "Google OAuth client id used for the Gmail connect flow."
}

variable "oauth_client_secret_secret_id" {
  type        = string
  description = "Secret Manager secret id that stores the OAuth client secret (never put the secret in tfvars)."
}

variable "public_base_url" {
  type        = string
  description = "Public base URL of the api function (used to build connect URLs)."
}

variable "control_schedules" {
  type = map(string)
  default = {
    renew_watches              = "0 */6 * * *"
    recover_stuck_syncs        = "*/5 * * * *"
    poll_mailboxes             = "*/10 * * * *"
    recover_webhook_deliveries = "*/5 * * * *"
    dispatch_replays           = "* * * * *"
    prune                      = "*/10 * * * *"
  }
  description = "Cloud Scheduler cron per control job."
}
