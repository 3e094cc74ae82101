resource "google_firestore_database" "default" {
  project     = var.project
  name        = "(default)"
  location_id = var.firestore_location
  type        = "FIRESTORE_NATIVE"

  delete_protection_state = "DELETE_PROTECTION_ENABLED"
  deletion_policy         = "ABANDON"

  depends_on = [google_project_service.apis]
}

# Raw tables (one per endpoint, partitioned and clustered) are created by the Worker; so are the
# latest-row views in the views dataset.
resource "google_bigquery_dataset" "raw" {
  project     = var.project
  dataset_id  = local.raw_dataset
  location    = var.bigquery_location
  description = "XeroSync raw pages, one row per record per fetch (tables created by the Worker)."

  delete_contents_on_destroy = false

  depends_on = [google_project_service.apis]
}

resource "google_bigquery_dataset" "views" {
  project     = var.project
  dataset_id  = local.view_dataset
  location    = var.bigquery_location
  description = "XeroSync latest-row views over xero_raw."

  delete_contents_on_destroy = false

  depends_on = [google_project_service.apis]
}

resource "google_bigquery_dataset_iam_member" "worker_raw" {
  project    = var.project
  dataset_id = google_bigquery_dataset.raw.dataset_id
  role       = "roles/bigquery.dataEditor"
  member     = google_service_account.worker.member
}

resource "google_bigquery_dataset_iam_member" "worker_views" {
  project    = var.project
  dataset_id = google_bigquery_dataset.views.dataset_id
  role       = "roles/bigquery.dataEditor"
  member     = google_service_account.worker.member
}

resource "google_bigquery_dataset_iam_member" "dispatcher_raw" {
  project    = var.project
  dataset_id = google_bigquery_dataset.raw.dataset_id
  role       = "roles/bigquery.dataEditor"
  member     = google_service_account.dispatcher.member
}

resource "google_bigquery_dataset_iam_member" "dispatcher_views" {
  project    = var.project
  dataset_id = google_bigquery_dataset.views.dataset_id
  role       = "roles/bigquery.dataEditor"
  member     = google_service_account.dispatcher.member
}

# A view reads the raw tables with the view's own rights: authorise the views dataset on xero_raw so
# readers of `xero` need no access to `xero_raw`.
resource "google_bigquery_dataset_access" "views_read_raw" {
  project    = var.project
  dataset_id = google_bigquery_dataset.raw.dataset_id

  dataset {
    dataset {
      project_id = var.project
      dataset_id = google_bigquery_dataset.views.dataset_id
    }
    target_types = ["VIEWS"]
  }
}

# Typed and child views (numbers as NUMERIC, dates as TIMESTAMP/DATE) over the latest views.
resource "google_bigquery_dataset" "typed" {
  project     = var.project
  dataset_id  = local.typed_dataset
  location    = var.bigquery_location
  description = "XeroSync typed and child views over the latest views."

  delete_contents_on_destroy = false

  depends_on = [google_project_service.apis]
}

resource "google_bigquery_dataset_iam_member" "worker_typed" {
  project    = var.project
  dataset_id = google_bigquery_dataset.typed.dataset_id
  role       = "roles/bigquery.dataEditor"
  member     = google_service_account.worker.member
}

resource "google_bigquery_dataset_iam_member" "dispatcher_typed" {
  project    = var.project
  dataset_id = google_bigquery_dataset.typed.dataset_id
  role       = "roles/bigquery.dataEditor"
  member     = google_service_account.dispatcher.member
}

# The typed views read the latest views (which read xero_raw): authorise them on both, so readers of
# `xero_typed` need no access to the datasets below it.
resource "google_bigquery_dataset_access" "typed_read_views" {
  project    = var.project
  dataset_id = google_bigquery_dataset.views.dataset_id

  dataset {
    dataset {
      project_id = var.project
      dataset_id = google_bigquery_dataset.typed.dataset_id
    }
    target_types = ["VIEWS"]
  }
}

resource "google_bigquery_dataset_access" "typed_read_raw" {
  project    = var.project
  dataset_id = google_bigquery_dataset.raw.dataset_id

  dataset {
    dataset {
      project_id = var.project
      dataset_id = google_bigquery_dataset.typed.dataset_id
    }
    target_types = ["VIEWS"]
  }
}
