# Manifest finalize -> Worker /events, which loads the manifest's objects into BigQuery. Cloud Storage
# triggers filter on type and bucket only; the Worker ignores objects that are not _manifest.json.
resource "google_eventarc_trigger" "object_finalized" {
  name     = "${var.client_name}-object-finalized"
  project  = var.project
  location = var.region

  matching_criteria {
    attribute = "type"
    value     = "google.cloud.storage.object.v1.finalized"
  }

  matching_criteria {
    attribute = "bucket"
    value     = google_storage_bucket.raw.name
  }

  destination {
    cloud_run_service {
      service = google_cloud_run_v2_service.worker.name
      region  = var.region
      path    = "/events"
    }
  }

  service_account = google_service_account.eventarc.email

  depends_on = [
    google_project_iam_member.eventarc_receiver,
    google_project_iam_member.gcs_agent_publishes_events,
    google_cloud_run_v2_service_iam_member.eventarc_invokes_worker,
  ]
}
