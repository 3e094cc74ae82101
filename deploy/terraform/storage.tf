# Raw pages and manifests: {run}/{tenant}/{endpoint}/... (see DESIGN.md "Object names").
resource "google_storage_bucket" "raw" {
  name     = local.bucket
  project  = var.project
  location = var.region # the Eventarc trigger lives in the bucket's region

  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false

  lifecycle_rule {
    action {
      type = "Delete"
    }
    condition {
      age = var.raw_retention_days
    }
  }

  # Objects are written once (ifGenerationMatch=0); nothing to keep after a delete.
  soft_delete_policy {
    retention_duration_seconds = 0
  }

  depends_on = [google_project_service.apis]
}

resource "google_storage_bucket_iam_member" "worker_objects" {
  bucket = google_storage_bucket.raw.name
  role   = "roles/storage.objectUser"
  member = google_service_account.worker.member
}

# POST /runs/{run}/retry writes the manifests a run still owes and reads them to load.
resource "google_storage_bucket_iam_member" "dispatcher_objects" {
  bucket = google_storage_bucket.raw.name
  role   = "roles/storage.objectUser"
  member = google_service_account.dispatcher.member
}
