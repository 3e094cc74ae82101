# One service account per service, plus one per caller (push, Eventarc, Scheduler). Only predefined
# or custom roles, each on the narrowest resource that works; no primitive roles.

resource "google_service_account" "dispatcher" {
  project      = var.project
  account_id   = "${var.client_name}-dispatch"
  display_name = "XeroSync ${var.client_name} Dispatcher"
  depends_on   = [google_project_service.apis]
}

resource "google_service_account" "worker" {
  project      = var.project
  account_id   = "${var.client_name}-worker"
  display_name = "XeroSync ${var.client_name} Worker"
  depends_on   = [google_project_service.apis]
}

resource "google_service_account" "push" {
  project      = var.project
  account_id   = "${var.client_name}-push"
  display_name = "XeroSync ${var.client_name} Pub/Sub push identity"
  depends_on   = [google_project_service.apis]
}

resource "google_service_account" "eventarc" {
  project      = var.project
  account_id   = "${var.client_name}-eventarc"
  display_name = "XeroSync ${var.client_name} Eventarc trigger identity"
  depends_on   = [google_project_service.apis]
}

resource "google_service_account" "scheduler" {
  project      = var.project
  account_id   = "${var.client_name}-scheduler"
  display_name = "XeroSync ${var.client_name} Cloud Scheduler identity"
  depends_on   = [google_project_service.apis]
}

# Firestore (run ledger, watermarks, leases, rate-limit blocks): both services read and write documents.
resource "google_project_iam_member" "dispatcher_firestore" {
  project = var.project
  role    = "roles/datastore.user"
  member  = google_service_account.dispatcher.member
}

resource "google_project_iam_member" "worker_firestore" {
  project = var.project
  role    = "roles/datastore.user"
  member  = google_service_account.worker.member
}

# BigQuery and Cloud Storage for the Dispatcher: POST /runs/{run}/retry writes and reads manifests and
# loads them, after the same create-if-absent of datasets, tables and views the Worker does (the views are
# replaced so they always match the code). So: jobUser for its load jobs, the dataset creator role,
# dataEditor on the three datasets (data.tf), objectUser on the bucket (storage.tf). POST /reconcile no
# longer queries: it publishes one preparation per organisation, which the Worker runs (its queries of
# the latest views use the Worker's jobUser and dataEditor on the views dataset).
resource "google_project_iam_member" "dispatcher_bigquery_jobs" {
  project = var.project
  role    = "roles/bigquery.jobUser"
  member  = google_service_account.dispatcher.member
}

resource "google_project_iam_member" "dispatcher_dataset_creator" {
  project = var.project
  role    = google_project_iam_custom_role.dataset_creator.id
  member  = google_service_account.dispatcher.member
}

# BigQuery: the Worker runs load jobs (project-level jobUser) into tables it creates (dataEditor on the
# two datasets, in bigquery.tf). Its start-up "create dataset if absent" needs bigquery.datasets.create,
# which no dataset-level role grants: a one-permission custom role instead of roles/bigquery.user.
resource "google_project_iam_member" "worker_bigquery_jobs" {
  project = var.project
  role    = "roles/bigquery.jobUser"
  member  = google_service_account.worker.member
}

resource "google_project_iam_custom_role" "dataset_creator" {
  project     = var.project
  role_id     = "xerosync_${replace(var.client_name, "-", "_")}_dataset_creator"
  title       = "XeroSync ${var.client_name} dataset creator"
  description = "Lets the services' create-if-absent calls on their three datasets succeed (or answer 409)."
  permissions = ["bigquery.datasets.create"]
}

resource "google_project_iam_member" "worker_dataset_creator" {
  project = var.project
  role    = google_project_iam_custom_role.dataset_creator.id
  member  = google_service_account.worker.member
}

# The Pub/Sub service agent mints the push subscription's OIDC tokens as the push account.
resource "google_service_account_iam_member" "agent_signs_push_tokens" {
  service_account_id = google_service_account.push.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_agent
}

# Eventarc: the trigger's identity receives events; Cloud Storage's service agent publishes them.
resource "google_project_iam_member" "eventarc_receiver" {
  project = var.project
  role    = "roles/eventarc.eventReceiver"
  member  = google_service_account.eventarc.member
}

resource "google_project_iam_member" "gcs_agent_publishes_events" {
  project = var.project
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${data.google_storage_project_service_account.gcs.email_address}"
}

# Cloud Run IAM: only these identities may call the services.
resource "google_cloud_run_v2_service_iam_member" "push_invokes_worker" {
  project  = var.project
  location = var.region
  name     = google_cloud_run_v2_service.worker.name
  role     = "roles/run.invoker"
  member   = google_service_account.push.member
}

resource "google_cloud_run_v2_service_iam_member" "eventarc_invokes_worker" {
  project  = var.project
  location = var.region
  name     = google_cloud_run_v2_service.worker.name
  role     = "roles/run.invoker"
  member   = google_service_account.eventarc.member
}

resource "google_cloud_run_v2_service_iam_member" "scheduler_invokes_dispatcher" {
  project  = var.project
  location = var.region
  name     = google_cloud_run_v2_service.dispatcher.name
  role     = "roles/run.invoker"
  member   = google_service_account.scheduler.member
}

resource "google_cloud_run_v2_service_iam_member" "operators_invoke_dispatcher" {
  for_each = toset(var.operators)

  project  = var.project
  location = var.region
  name     = google_cloud_run_v2_service.dispatcher.name
  role     = "roles/run.invoker"
  member   = each.value
}
