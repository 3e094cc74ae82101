# XeroSync on Google Cloud: one Dispatcher (Cloud Scheduler -> POST /run) and one Worker (Pub/Sub push
# -> POST /pubsub, Eventarc object finalize -> POST /events) per client, sharing a bucket, a topic,
# Firestore and two BigQuery datasets. Names follow the code's defaults (src/Shared/Configuration/
# CloudOptions.cs); tests/Deploy.Tests cross-checks them.

data "google_project" "this" {
  project_id = var.project
}

data "google_storage_project_service_account" "gcs" {
  project = var.project
}

locals {
  # CloudOptions defaults: bucket {project}-{client}-xero, topic {client}-fetch-requests, datasets xero_raw / xero.
  bucket             = "${var.project}-${var.client_name}-xero"
  topic              = "${var.client_name}-fetch-requests"
  push_subscription  = "${var.client_name}-fetch-requests-worker"
  dead_letter_topic  = "${var.client_name}-fetch-requests-dead-letter"
  dead_letter_worker = "${var.client_name}-fetch-requests-dead-letter-worker"
  raw_dataset        = "xero_raw"
  view_dataset       = "xero"
  typed_dataset      = "xero_typed"

  dispatcher_service = "${var.client_name}-dispatcher"
  worker_service     = "${var.client_name}-worker"

  # Cloud Run's deterministic URL (https://SERVICE-PROJECT_NUMBER.REGION.run.app): known before the
  # services exist, so the services can name their own audience without a dependency cycle.
  dispatcher_url = "https://${local.dispatcher_service}-${data.google_project.this.number}.${var.region}.run.app"
  worker_url     = "https://${local.worker_service}-${data.google_project.this.number}.${var.region}.run.app"

  pubsub_agent = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"

  standard          = var.connection_type == "standard"
  refresh_secret_id = "${var.client_name}-xero-refresh-token"

  # Callers whose tokens the in-app OIDC check accepts (Cloud Run IAM checks the same accounts).
  worker_callers     = [google_service_account.push.email, google_service_account.eventarc.email]
  dispatcher_callers = [google_service_account.scheduler.email]

  # Operators (docs/operate.md: GET /runs, POST /runs/{run}/retry, backfills) call the Dispatcher with
  # their own identity token: Cloud Run Invoker on the Dispatcher, and named to the in-app check.
  operator_emails = [for o in var.operators : split(":", o)[1]]

  services = [
    "artifactregistry.googleapis.com",
    "bigquery.googleapis.com",
    "cloudresourcemanager.googleapis.com",
    "cloudscheduler.googleapis.com",
    "eventarc.googleapis.com",
    "firestore.googleapis.com",
    "iam.googleapis.com",
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    "pubsub.googleapis.com",
    "run.googleapis.com",
    "secretmanager.googleapis.com",
    "storage.googleapis.com",
  ]
}

resource "google_project_service" "apis" {
  for_each = toset(local.services)

  project            = var.project
  service            = each.value
  disable_on_destroy = false
}

# The images' repository (docs/deploy.md: created first with -target, then the images are pushed).
resource "google_artifact_registry_repository" "images" {
  project       = var.project
  location      = var.region
  repository_id = var.image_repository
  format        = "DOCKER"
  description   = "XeroSync images (Dockerfile.dispatcher, Dockerfile.worker)."

  depends_on = [google_project_service.apis]
}
