# The Xero app's credentials, read by both services as environment variables (secret_key_ref).
resource "google_secret_manager_secret" "xero_client_id" {
  project   = var.project
  secret_id = "${var.client_name}-xero-client-id"

  replication {
    auto {}
  }

  depends_on = [google_project_service.apis]
}

resource "google_secret_manager_secret" "xero_client_secret" {
  project   = var.project
  secret_id = "${var.client_name}-xero-client-secret"

  replication {
    auto {}
  }

  depends_on = [google_project_service.apis]
}

# Versions from write-only arguments: the values reach Secret Manager, never the plan or the state.
# Rotating them: new values plus a bumped xero_credentials_version (docs/operate.md). A new value
# replaces the version: created before the old one is destroyed, so "latest" (what a starting
# instance reads) always resolves to an enabled version.
resource "google_secret_manager_secret_version" "xero_client_id" {
  secret                 = google_secret_manager_secret.xero_client_id.id
  secret_data_wo         = var.xero_client_id
  secret_data_wo_version = var.xero_credentials_version

  lifecycle {
    create_before_destroy = true
  }
}

resource "google_secret_manager_secret_version" "xero_client_secret" {
  secret                 = google_secret_manager_secret.xero_client_secret.id
  secret_data_wo         = var.xero_client_secret
  secret_data_wo_version = var.xero_credentials_version

  lifecycle {
    create_before_destroy = true
  }
}

resource "google_secret_manager_secret_iam_member" "dispatcher_client_id" {
  project   = var.project
  secret_id = google_secret_manager_secret.xero_client_id.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.dispatcher.member
}

resource "google_secret_manager_secret_iam_member" "dispatcher_client_secret" {
  project   = var.project
  secret_id = google_secret_manager_secret.xero_client_secret.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.dispatcher.member
}

resource "google_secret_manager_secret_iam_member" "worker_client_id" {
  project   = var.project
  secret_id = google_secret_manager_secret.xero_client_id.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.worker.member
}

resource "google_secret_manager_secret_iam_member" "worker_client_secret" {
  project   = var.project
  secret_id = google_secret_manager_secret.xero_client_secret.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.worker.member
}

# Standard apps only: the rotating refresh token (XEROSYNC_REFRESH_TOKEN_SECRET). `connect --secret`
# writes its first version; whichever service refreshes (under a Firestore lease) reads the latest
# version, adds the rotated token as a new version and destroys older ones after Xero's 30-minute
# grace: accessor plus version manager (add, list, destroy), on this secret only.
resource "google_secret_manager_secret" "xero_refresh_token" {
  count = local.standard ? 1 : 0

  project   = var.project
  secret_id = local.refresh_secret_id

  replication {
    auto {}
  }

  depends_on = [google_project_service.apis]
}

resource "google_secret_manager_secret_iam_member" "dispatcher_refresh_read" {
  count = local.standard ? 1 : 0

  project   = var.project
  secret_id = google_secret_manager_secret.xero_refresh_token[0].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.dispatcher.member
}

resource "google_secret_manager_secret_iam_member" "dispatcher_refresh_rotate" {
  count = local.standard ? 1 : 0

  project   = var.project
  secret_id = google_secret_manager_secret.xero_refresh_token[0].secret_id
  role      = "roles/secretmanager.secretVersionManager"
  member    = google_service_account.dispatcher.member
}

resource "google_secret_manager_secret_iam_member" "worker_refresh_read" {
  count = local.standard ? 1 : 0

  project   = var.project
  secret_id = google_secret_manager_secret.xero_refresh_token[0].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.worker.member
}

resource "google_secret_manager_secret_iam_member" "worker_refresh_rotate" {
  count = local.standard ? 1 : 0

  project   = var.project
  secret_id = google_secret_manager_secret.xero_refresh_token[0].secret_id
  role      = "roles/secretmanager.secretVersionManager"
  member    = google_service_account.worker.member
}
