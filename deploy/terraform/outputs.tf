output "dispatcher_url" {
  description = "The Dispatcher's URL (POST /run, GET /runs/{run}, POST /runs/{run}/retry; callers need roles/run.invoker)."
  value       = google_cloud_run_v2_service.dispatcher.uri
}

output "worker_url" {
  description = "The Worker's URL (reached by Pub/Sub push and Eventarc only)."
  value       = google_cloud_run_v2_service.worker.uri
}

output "bucket" {
  description = "The raw bucket (XEROSYNC_BUCKET)."
  value       = google_storage_bucket.raw.name
}

output "topic" {
  description = "The fetch-request topic (XEROSYNC_TOPIC)."
  value       = google_pubsub_topic.fetch_requests.name
}

output "dead_letter_topic" {
  description = "Where undeliverable fetch requests go."
  value       = google_pubsub_topic.dead_letter.name
}

output "raw_dataset" {
  description = "BigQuery dataset of the raw tables."
  value       = "${var.project}.${google_bigquery_dataset.raw.dataset_id}"
}

output "views_dataset" {
  description = "BigQuery dataset of the latest-row views."
  value       = "${var.project}.${google_bigquery_dataset.views.dataset_id}"
}

output "typed_dataset" {
  description = "BigQuery dataset of the typed and child views."
  value       = "${var.project}.${google_bigquery_dataset.typed.dataset_id}"
}

output "refresh_token_secret" {
  description = "Standard apps: the secret `connect --secret` writes the first refresh token to (null for custom connections)."
  value       = local.standard ? google_secret_manager_secret.xero_refresh_token[0].id : null
}

output "scheduler_job" {
  description = "The hourly sync's Cloud Scheduler job (run it now: gcloud scheduler jobs run NAME --location REGION)."
  value       = google_cloud_scheduler_job.run.name
}

output "reconcile_job" {
  description = "The daily reconcile's Cloud Scheduler job."
  value       = google_cloud_scheduler_job.reconcile.name
}

output "tie_out_job" {
  description = "The monthly tie-out's Cloud Scheduler job."
  value       = google_cloud_scheduler_job.tie_out.name
}

output "image_repository" {
  description = "Where to push the images: REGION-docker.pkg.dev/PROJECT/REPOSITORY (docker auth: gcloud auth configure-docker REGION-docker.pkg.dev)."
  value       = "${var.region}-docker.pkg.dev/${var.project}/${google_artifact_registry_repository.images.repository_id}"
}
