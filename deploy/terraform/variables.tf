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

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))
    error_message = "region is a Google Cloud region such as europe-west1."
  }
}

variable "client_name" {
  description = "Names this deployment's resources (CLIENT_NAME): topic {client}-fetch-requests, bucket {project}-{client}-xero, services {client}-dispatcher and {client}-worker."
  type        = string

  validation {
    # Service account ids ({client}-scheduler is the longest) are 6-30 characters, start with a letter.
    condition     = can(regex("^[a-z]([a-z0-9-]{0,18}[a-z0-9])?$", var.client_name))
    error_message = "client_name is 1-20 lower-case letters, digits or hyphens, starting with a letter and not ending with a hyphen (it prefixes service account ids such as {client}-scheduler, at most 30 characters)."
  }
}

variable "dispatcher_image" {
  description = "Dispatcher image (built from Dockerfile.dispatcher), e.g. europe-west1-docker.pkg.dev/PROJECT/xerosync/dispatcher:TAG."
  type        = string
}

variable "image_repository" {
  description = "Artifact Registry repository (Docker) the images are pushed to: REGION-docker.pkg.dev/PROJECT/REPOSITORY."
  type        = string
  default     = "xerosync"

  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$", var.image_repository))
    error_message = "image_repository is lower-case letters, digits and hyphens, starting with a letter."
  }
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

variable "tie_out_schedule" {
  description = "Cron schedule of the tie-out (Xero's Trial Balance and Balance Sheet at the last three month ends against the warehouse's journals), in schedule_time_zone; monthly, at 06:00 on the 2nd by default."
  type        = string
  default     = "0 6 2 * *"
}

variable "webhook_quiet_check_schedule" {
  description = "Cron schedule (in schedule_time_zone) of the webhook quiet check, with webhooks = true: each organisation's categories quiet for longer than their events make usual get one incremental of that organisation (docs/webhooks.md); every 5 minutes by default."
  type        = string
  default     = "*/5 * * * *"
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

  validation {
    condition     = var.xero_credentials_version >= 1 && floor(var.xero_credentials_version) == var.xero_credentials_version
    error_message = "xero_credentials_version is a whole number, 1 or more."
  }
}

variable "bigquery_location" {
  description = "Location of the BigQuery datasets (XEROSYNC_BQ_LOCATION): a multi-region (EU, US) or a region. BigQuery loads from the bucket (in region): EU needs a region of the EU, a single region needs the same region, US takes any."
  type        = string
  default     = "EU"

  # BigQuery "Location considerations": a dataset in the EU multi-region loads from buckets in regions of the
  # EU; a regional dataset only from a bucket in the same region; the US multi-region from any location.
  validation {
    condition = (
      var.bigquery_location == "US" ||
      (var.bigquery_location == "EU" && contains([
        "europe-central2", "europe-north1", "europe-north2", "europe-southwest1", "europe-west1", "europe-west3",
        "europe-west4", "europe-west8", "europe-west9", "europe-west10", "europe-west12",
      ], var.region)) ||
      lower(var.bigquery_location) == var.region
    )
    error_message = "bigquery_location must hold region: EU takes a region of the EU (europe-west2, London, and europe-west6, Zurich, are not), a regional location must equal region, US takes any region."
  }
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

variable "egress_budget_mb" {
  description = "The app's monthly egress budget, all organisations together (XEROSYNC_EGRESS_BUDGET_MB): megabytes of 1,000,000 bytes received from Xero a calendar month (UTC), 0 to 1000000 with at most 6 decimals. Reconciles and full syncs plan within it; incremental syncs are only reported. Null (unset): no budget."
  type        = string
  default     = null

  validation {
    condition     = var.egress_budget_mb == null || (can(regex("^[0-9]+([.][0-9]{1,6})?$", var.egress_budget_mb)) && try(tonumber(var.egress_budget_mb) <= 1000000, false))
    error_message = "egress_budget_mb is a number of megabytes from 0 to 1000000 with at most 6 decimals, or null for no budget."
  }
}

variable "tenant_egress_budget_mb" {
  description = "Each organisation's monthly egress budget (XEROSYNC_TENANT_EGRESS_BUDGET_MB), as egress_budget_mb. Null (unset): no budget."
  type        = string
  default     = null

  validation {
    condition     = var.tenant_egress_budget_mb == null || (can(regex("^[0-9]+([.][0-9]{1,6})?$", var.tenant_egress_budget_mb)) && try(tonumber(var.tenant_egress_budget_mb) <= 1000000, false))
    error_message = "tenant_egress_budget_mb is a number of megabytes from 0 to 1000000 with at most 6 decimals, or null for no budget."
  }
}

variable "max_delivery_attempts" {
  description = "Deliveries of a fetch request before Pub/Sub moves it to the dead-letter topic (5-100)."
  type        = number
  default     = 5

  validation {
    condition     = var.max_delivery_attempts >= 5 && var.max_delivery_attempts <= 100
    error_message = "max_delivery_attempts is 5 to 100 (Pub/Sub's range)."
  }
}

variable "raw_retention_days" {
  description = "Raw page objects are deleted from the bucket after this many days (they are loaded into BigQuery within minutes)."
  type        = number
  default     = 30

  validation {
    condition     = var.raw_retention_days >= 1 && floor(var.raw_retention_days) == var.raw_retention_days
    error_message = "raw_retention_days is a whole number of days, 1 or more."
  }
}

variable "worker_max_instances" {
  description = "Upper bound of Worker instances (Xero allows 5 concurrent calls per organisation; the Firestore rate limiter enforces it across instances)."
  type        = number
  default     = 10

  validation {
    condition     = var.worker_max_instances >= 1 && var.worker_max_instances <= 100
    error_message = "worker_max_instances is 1 to 100."
  }
}

variable "worker_concurrency" {
  description = "Requests one Worker instance serves at once (most of a request's time is spent waiting on Xero)."
  type        = number
  default     = 20

  validation {
    condition     = var.worker_concurrency >= 1 && var.worker_concurrency <= 1000
    error_message = "worker_concurrency is 1 to 1000 (Cloud Run's limit)."
  }
}

variable "in_app_oidc_check" {
  description = "Also verify the Google-signed OIDC token in the services (audience, issuer, signature, allowed service accounts), on top of Cloud Run's IAM invoker check. The tokens' audience is the run.app URL of the service (SERVICE-PROJECT_NUMBER.REGION.run.app)."
  type        = bool
  default     = false
}

variable "operators" {
  description = "People or accounts who call the Dispatcher (GET /runs, POST /runs/{run}/retry, backfills): \"user:EMAIL\" or \"serviceAccount:EMAIL\". They get Cloud Run Invoker on the Dispatcher and pass its in-app OIDC check (docs/operate.md)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for o in var.operators : can(regex("^(user|serviceAccount):[^@:,\\s]+@[^@:,\\s]+$", o))])
    error_message = "Each operator is user:EMAIL or serviceAccount:EMAIL."
  }
}

variable "notification_channels" {
  description = "Cloud Monitoring notification channel ids (projects/P/notificationChannels/N) the alert policies notify; at least one, or the alerts reach nobody."
  type        = list(string)

  validation {
    condition     = length(var.notification_channels) > 0 && alltrue([for c in var.notification_channels : can(regex("^projects/[^/]+/notificationChannels/[0-9]+$", c))])
    error_message = "notification_channels names at least one channel, each projects/PROJECT/notificationChannels/ID."
  }
}

variable "webhooks" {
  description = "Receive Xero's webhooks on the Dispatcher's POST /webhooks/xero (docs/deploy.md, Webhooks): the Dispatcher admits unauthenticated callers at Cloud Run and relies on its in-app OIDC check for every other route, so in_app_oidc_check must be true."
  type        = bool
  default     = false
}

variable "webhook_quiet_factor" {
  description = "With webhooks = true: an organisation's category counts as quiet after this many times its usual gap between webhook events (and at least webhook_quiet_floor_minutes), and is read by an incremental (XEROSYNC_WEBHOOK_QUIET_FACTOR, docs/webhooks.md); 1 to 100."
  type        = number
  default     = 4

  validation {
    condition     = var.webhook_quiet_factor >= 1 && var.webhook_quiet_factor <= 100
    error_message = "webhook_quiet_factor is a number from 1 to 100 (times a category's usual gap between events)."
  }
}

variable "webhook_quiet_floor_minutes" {
  description = "With webhooks = true: the shortest quiet spell that counts, in minutes, however often a category's events usually arrive (XEROSYNC_WEBHOOK_QUIET_FLOOR_MINUTES); 1 to 1440."
  type        = number
  default     = 10

  validation {
    condition     = var.webhook_quiet_floor_minutes >= 1 && var.webhook_quiet_floor_minutes <= 1440
    error_message = "webhook_quiet_floor_minutes is a number of minutes from 1 to 1440."
  }
}

variable "webhook_quiet_min_gaps" {
  description = "With webhooks = true: gaps between webhook events a category must have seen before it can be quiet (XEROSYNC_WEBHOOK_QUIET_MIN_GAPS); a whole number from 1 to 1000."
  type        = number
  default     = 3

  validation {
    condition     = var.webhook_quiet_min_gaps >= 1 && var.webhook_quiet_min_gaps <= 1000 && floor(var.webhook_quiet_min_gaps) == var.webhook_quiet_min_gaps
    error_message = "webhook_quiet_min_gaps is a whole number from 1 to 1000."
  }
}
