# The two Cloud Run services. Both read the same configuration (CloudOptions.FromEnvironment and
# CloudPipelineExtensions.ReadXero); PORT is set by Cloud Run and honoured by the images.
# Scheduler calls the Dispatcher; Pub/Sub push and Eventarc call the Worker, which only internal
# Google sources reach (ingress internal). Both require Cloud Run IAM (roles/run.invoker in iam.tf)
# and, with in_app_oidc_check, verify the same tokens again in the app.

resource "google_cloud_run_v2_service" "dispatcher" {
  name     = local.dispatcher_service
  project  = var.project
  location = var.region
  ingress  = "INGRESS_TRAFFIC_ALL"

  deletion_protection = false

  template {
    service_account                  = google_service_account.dispatcher.email
    timeout                          = "300s"
    max_instance_request_concurrency = 10

    scaling {
      min_instance_count = 0
      max_instance_count = 3
    }

    containers {
      image = var.dispatcher_image

      ports {
        container_port = 8080
      }

      resources {
        limits = {
          cpu    = "1"
          memory = "512Mi"
        }
        cpu_idle          = true
        startup_cpu_boost = true
      }

      env {
        name  = "GOOGLE_CLOUD_PROJECT"
        value = var.project
      }

      env {
        name  = "CLIENT_NAME"
        value = var.client_name
      }

      env {
        name  = "XEROSYNC_BUCKET"
        value = google_storage_bucket.raw.name
      }

      env {
        name  = "XEROSYNC_TOPIC"
        value = google_pubsub_topic.fetch_requests.name
      }

      env {
        name  = "XEROSYNC_RAW_DATASET"
        value = google_bigquery_dataset.raw.dataset_id
      }

      env {
        name  = "XEROSYNC_VIEW_DATASET"
        value = google_bigquery_dataset.views.dataset_id
      }

      env {
        name  = "XEROSYNC_TYPED_DATASET"
        value = google_bigquery_dataset.typed.dataset_id
      }

      env {
        name  = "XEROSYNC_BQ_LOCATION"
        value = var.bigquery_location
      }

      env {
        name  = "XEROSYNC_PUSH_DEADLINE_SECONDS"
        value = var.push_deadline_seconds
      }

      # Unset (empty) is no budget.
      env {
        name  = "XEROSYNC_EGRESS_BUDGET_MB"
        value = var.egress_budget_mb == null ? "" : var.egress_budget_mb
      }

      env {
        name  = "XEROSYNC_TENANT_EGRESS_BUDGET_MB"
        value = var.tenant_egress_budget_mb == null ? "" : var.tenant_egress_budget_mb
      }

      env {
        name  = "XEROSYNC_OIDC_AUDIENCE"
        value = var.in_app_oidc_check ? local.dispatcher_url : ""
      }

      env {
        name  = "XEROSYNC_OIDC_ALLOWED_EMAILS"
        value = var.in_app_oidc_check ? join(",", local.dispatcher_callers) : ""
      }

      env {
        name  = "XEROSYNC_OIDC_OPERATOR_EMAILS"
        value = var.in_app_oidc_check ? join(",", local.operator_emails) : ""
      }

      env {
        name  = "XEROSYNC_REFRESH_TOKEN_SECRET"
        value = local.standard ? "projects/${var.project}/secrets/${local.refresh_secret_id}" : ""
      }

      env {
        name  = "XEROSYNC_WEBHOOK_KEY_SECRET"
        value = "projects/${var.project}/secrets/${local.webhook_secret_id}"
      }

      # The quiet-category trigger's rule (docs/webhooks.md, "Lost events and quiet categories").
      env {
        name  = "XEROSYNC_WEBHOOK_QUIET_FACTOR"
        value = var.webhook_quiet_factor
      }

      env {
        name  = "XEROSYNC_WEBHOOK_QUIET_FLOOR_MINUTES"
        value = var.webhook_quiet_floor_minutes
      }

      env {
        name  = "XEROSYNC_WEBHOOK_QUIET_MIN_GAPS"
        value = var.webhook_quiet_min_gaps
      }

      env {
        name = "XERO_CLIENT_ID"
        value_source {
          secret_key_ref {
            secret  = google_secret_manager_secret.xero_client_id.secret_id
            version = "latest"
          }
        }
      }

      env {
        name = "XERO_CLIENT_SECRET"
        value_source {
          secret_key_ref {
            secret  = google_secret_manager_secret.xero_client_secret.secret_id
            version = "latest"
          }
        }
      }

      startup_probe {
        http_get {
          path = "/healthz"
        }
        period_seconds    = 2
        failure_threshold = 15
      }

      liveness_probe {
        http_get {
          path = "/healthz"
        }
        period_seconds = 30
      }
    }
  }

  depends_on = [
    google_project_service.apis,
    google_firestore_database.default,
    google_secret_manager_secret_iam_member.dispatcher_client_id,
    google_secret_manager_secret_iam_member.dispatcher_client_secret,
    google_secret_manager_secret_iam_member.dispatcher_webhook_key,
    google_secret_manager_secret_version.xero_client_id,
    google_secret_manager_secret_version.xero_client_secret,
  ]
}

resource "google_cloud_run_v2_service" "worker" {
  name     = local.worker_service
  project  = var.project
  location = var.region
  ingress  = "INGRESS_TRAFFIC_INTERNAL_ONLY"

  deletion_protection = false

  template {
    service_account                  = google_service_account.worker.email
    timeout                          = "${var.push_deadline_seconds}s"
    max_instance_request_concurrency = var.worker_concurrency

    scaling {
      min_instance_count = 0
      max_instance_count = var.worker_max_instances
    }

    containers {
      image = var.worker_image

      ports {
        container_port = 8080
      }

      resources {
        limits = {
          cpu    = "1"
          memory = "512Mi"
        }
        cpu_idle          = true
        startup_cpu_boost = true
      }

      env {
        name  = "GOOGLE_CLOUD_PROJECT"
        value = var.project
      }

      env {
        name  = "CLIENT_NAME"
        value = var.client_name
      }

      env {
        name  = "XEROSYNC_BUCKET"
        value = google_storage_bucket.raw.name
      }

      env {
        name  = "XEROSYNC_TOPIC"
        value = google_pubsub_topic.fetch_requests.name
      }

      env {
        name  = "XEROSYNC_RAW_DATASET"
        value = google_bigquery_dataset.raw.dataset_id
      }

      env {
        name  = "XEROSYNC_VIEW_DATASET"
        value = google_bigquery_dataset.views.dataset_id
      }

      env {
        name  = "XEROSYNC_TYPED_DATASET"
        value = google_bigquery_dataset.typed.dataset_id
      }

      env {
        name  = "XEROSYNC_BQ_LOCATION"
        value = var.bigquery_location
      }

      env {
        name  = "XEROSYNC_PUSH_DEADLINE_SECONDS"
        value = var.push_deadline_seconds
      }

      # Unset (empty) is no budget.
      env {
        name  = "XEROSYNC_EGRESS_BUDGET_MB"
        value = var.egress_budget_mb == null ? "" : var.egress_budget_mb
      }

      env {
        name  = "XEROSYNC_TENANT_EGRESS_BUDGET_MB"
        value = var.tenant_egress_budget_mb == null ? "" : var.tenant_egress_budget_mb
      }

      env {
        name  = "XEROSYNC_OIDC_AUDIENCE"
        value = var.in_app_oidc_check ? local.worker_url : ""
      }

      env {
        name  = "XEROSYNC_OIDC_ALLOWED_EMAILS"
        value = var.in_app_oidc_check ? join(",", local.worker_callers) : ""
      }

      # Nobody calls the Worker by hand.
      env {
        name  = "XEROSYNC_OIDC_OPERATOR_EMAILS"
        value = ""
      }

      env {
        name  = "XEROSYNC_REFRESH_TOKEN_SECRET"
        value = local.standard ? "projects/${var.project}/secrets/${local.refresh_secret_id}" : ""
      }

      env {
        name = "XERO_CLIENT_ID"
        value_source {
          secret_key_ref {
            secret  = google_secret_manager_secret.xero_client_id.secret_id
            version = "latest"
          }
        }
      }

      env {
        name = "XERO_CLIENT_SECRET"
        value_source {
          secret_key_ref {
            secret  = google_secret_manager_secret.xero_client_secret.secret_id
            version = "latest"
          }
        }
      }

      startup_probe {
        http_get {
          path = "/healthz"
        }
        period_seconds    = 2
        failure_threshold = 15
      }

      liveness_probe {
        http_get {
          path = "/healthz"
        }
        period_seconds = 30
      }
    }
  }

  depends_on = [
    google_project_service.apis,
    google_firestore_database.default,
    google_secret_manager_secret_iam_member.worker_client_id,
    google_secret_manager_secret_iam_member.worker_client_secret,
    google_secret_manager_secret_version.xero_client_id,
    google_secret_manager_secret_version.xero_client_secret,
  ]
}
