variable "project" {
  description = "Google Cloud project id (6-30 lower-case letters, digits or hyphens), the services' GOOGLE_CLOUD_PROJECT."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project))
    error_message = "A project id is 6-30 lower-case letters, digits or hyphens, starting with a letter."
  }
}

variable "region" {
  description = "Region of the Cloud Run services, the bucket, the Eventarc trigger and the Scheduler job. BigQuery loads need the bucket inside bigquery_location: a region of the EU multi-region for EU (europe-west2, London, is not one)."
  type        = string
  default     = "europe-west1"
}

variable "client_name" {
  description = "Names this deployment's resources (CLIENT_NAME): topic {client}-fetch-requests, bucket {project}-{client}-xero, services {client}-dispatcher and {client}-worker."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,19}$", var.client_name))
    error_message = "client_name is 1-20 lower-case letters, digits or hyphens (service account ids derived from it are at most 30 characters)."
  }
}

variable "dispatcher_image" {
  description = "Dispatcher image (built from Dockerfile.dispatcher), e.g. europe-west1-docker.pkg.dev/PROJECT/xerosync/dispatcher:TAG."
  type        = string
}

variable "worker_image" {
  description = "Worker image (built from Dockerfile.worker)."
  type        = string
}

variable "schedule" {
  description = "Cron schedule of the sync (Cloud Scheduler, in schedule_time_zone)."
  type        = string
  default     = "0 * * * *"
}

variable "reconcile_schedule" {
  description = "Cron schedule of the reconcile (ID sweep, full refresh, deletes), in schedule_time_zone; daily, at 22:30 by default."
  type        = string
  default     = "30 22 * * *"
}

variable "schedule_time_zone" {
  description = "Time zone of the schedule."
  type        = string
  default     = "Etc/UTC"
}

variable "tenants" {
  description = "Xero tenant ids to sync on each scheduled run; empty syncs every organisation the connection lists (GET /connections)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for t in var.tenants : can(regex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", t))])
    error_message = "Each tenant id is a GUID (see GET /connections or `status`)."
  }
}

variable "endpoints" {
  description = "Xero endpoints each scheduled run reads (e.g. [\"Invoices\", \"Contacts\"]); empty reads all 27."
  type        = list(string)
  default     = []
}

variable "connection_type" {
  description = "\"custom\": a Xero custom connection (client_credentials, one organisation). \"standard\": a standard app whose rotating refresh token lives in Secret Manager (many organisations)."
  type        = string
  default     = "standard"

  validation {
    condition     = contains(["custom", "standard"], var.connection_type)
    error_message = "connection_type is \"custom\" or \"standard\"."
  }
}

variable "xero_client_id" {
  description = "The Xero app's client id (TF_VAR_xero_client_id). Ephemeral and write-only: sent to Secret Manager as a version when xero_credentials_version changes, never kept in the plan or the state."
  type        = string
  ephemeral   = true
}

variable "xero_client_secret" {
  description = "The Xero app's client secret (TF_VAR_xero_client_secret). Ephemeral and write-only, like xero_client_id."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "xero_credentials_version" {
  description = "Bump to write new values of xero_client_id / xero_client_secret (write-only arguments are only sent when this changes)."
  type        = number
  default     = 1
}

variable "bigquery_location" {
  description = "Location of the BigQuery datasets (XEROSYNC_BQ_LOCATION): a multi-region (EU, US) or a region."
  type        = string
  default     = "EU"
}

variable "firestore_location" {
  description = "Location of the Firestore database (eur3, nam5 or a region)."
  type        = string
  default     = "eur3"
}

variable "push_deadline_seconds" {
  description = "The push subscription's ack deadline and the Worker's request timeout (XEROSYNC_PUSH_DEADLINE_SECONDS, 180-600: below 180 s a delivery's budget is shorter than a rate-limit minute)."
  type        = number
  default     = 540

  validation {
    condition     = var.push_deadline_seconds >= 180 && var.push_deadline_seconds <= 600
    error_message = "push_deadline_seconds is 180 to 600."
  }
}

variable "max_delivery_attempts" {
  description = "Deliveries of a fetch request before Pub/Sub moves it to the dead-letter topic (5-100)."
  type        = number
  default     = 5
}

variable "raw_retention_days" {
  description = "Raw page objects are deleted from the bucket after this many days (they are loaded into BigQuery within minutes)."
  type        = number
  default     = 30
}

variable "worker_max_instances" {
  description = "Upper bound of Worker instances (Xero allows 5 concurrent calls per organisation; the Firestore rate limiter enforces it across instances)."
  type        = number
  default     = 10
}

variable "worker_concurrency" {
  description = "Requests one Worker instance serves at once (most of a request's time is spent waiting on Xero)."
  type        = number
  default     = 20
}

variable "in_app_oidc_check" {
  description = "Also verify the Google-signed OIDC token in the services (audience, issuer, signature, allowed service accounts), on top of Cloud Run's IAM invoker check. The tokens' audience is the run.app URL of the service (SERVICE-PROJECT_NUMBER.REGION.run.app)."
  type        = bool
  default     = false
}

variable "notification_channels" {
  description = "Cloud Monitoring notification channel ids (projects/P/notificationChannels/N) the alert policies notify."
  type        = list(string)
  default     = []
}
