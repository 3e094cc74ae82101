# The hourly run: POST /run on the Dispatcher with an OIDC token of the scheduler account. The body
# names the tenants and endpoints to sync; empty lists sync every organisation of the connection and
# every endpoint (the Dispatcher's RunRequest: {"tenants": [...], "endpoints": [...], "full": false}).
resource "google_cloud_scheduler_job" "run" {
  name             = "${var.client_name}-sync"
  project          = var.project
  region           = var.region
  description      = "XeroSync ${var.client_name}: start a sync run"
  schedule         = var.schedule
  time_zone        = var.schedule_time_zone
  attempt_deadline = "180s"

  # A retried POST /run would start a second run; the next schedule is the retry.
  retry_config {
    retry_count = 0
  }

  http_target {
    http_method = "POST"
    uri         = "${google_cloud_run_v2_service.dispatcher.uri}/run"
    body        = base64encode(jsonencode({ tenants = var.tenants, endpoints = var.endpoints }))
    headers = {
      "Content-Type" = "application/json"
    }

    oidc_token {
      service_account_email = google_service_account.scheduler.email
      audience              = local.dispatcher_url
    }
  }

  depends_on = [google_cloud_run_v2_service_iam_member.scheduler_invokes_dispatcher]
}

# The daily reconcile: POST /reconcile (same OIDC account as the sync). The Dispatcher records the run, publishes one
# preparation per organisation on the fetch topic and answers 202 with the run's status route (GET /runs/{id}) within
# about a second, whatever the number of organisations. The Worker prepares each organisation: it spends at most what
# Xero says remains of today's 5,000 calls less the 1,500 kept for the hourly syncs, sweeps ids (summaryOnly where Xero
# offers it) and refreshes in full, marks records Xero no longer returns as deleted (deleted_at in the latest views),
# and defers and reports what does not fit. Scheduled late in the UTC day, when the day's remaining budget is known.
resource "google_cloud_scheduler_job" "reconcile" {
  name             = "${var.client_name}-reconcile"
  project          = var.project
  region           = var.region
  description      = "XeroSync ${var.client_name}: reconcile (deletes, silent edits) within the day budget"
  schedule         = var.reconcile_schedule
  time_zone        = var.schedule_time_zone
  attempt_deadline = "180s"

  # As for the sync: a retried POST would start a second reconcile, whose budgets would be taken from the same
  # remaining day as the first's; tomorrow's is the retry.
  retry_config {
    retry_count = 0
  }

  http_target {
    http_method = "POST"
    uri         = "${google_cloud_run_v2_service.dispatcher.uri}/reconcile"
    body        = base64encode(jsonencode({ tenants = var.tenants, endpoints = var.endpoints }))
    headers = {
      "Content-Type" = "application/json"
    }

    oidc_token {
      service_account_email = google_service_account.scheduler.email
      audience              = local.dispatcher_url
    }
  }

  depends_on = [google_cloud_run_v2_service_iam_member.scheduler_invokes_dispatcher]
}

# The tie-out: POST /tie-out on the Dispatcher (the scheduler account's OIDC token, like the sync) publishes one tie-out
# per organisation on the fetch topic and answers 202 at once. The Worker reads Xero's Trial Balance and Balance Sheet
# at each of the last three month ends (two calls per organisation and date, under the shared rate limiter), compares
# them account by account with what the journals in BigQuery make, and keeps every check in xero_raw's tie-out tables
# (report_snapshots, tie_outs, tie_out_differences, tie_out_journals). Monthly by default, after the month has ended.
resource "google_cloud_scheduler_job" "tie_out" {
  name             = "${var.client_name}-tie-out"
  project          = var.project
  region           = var.region
  description      = "XeroSync ${var.client_name}: tie the warehouse out to Xero's Trial Balance and Balance Sheet"
  schedule         = var.tie_out_schedule
  time_zone        = var.schedule_time_zone
  attempt_deadline = "180s"

  # A retried POST would only publish the same tie-outs again (each check is kept with its time; the latest counts);
  # next month's is the retry.
  retry_config {
    retry_count = 0
  }

  http_target {
    http_method = "POST"
    uri         = "${google_cloud_run_v2_service.dispatcher.uri}/tie-out"
    body        = base64encode(jsonencode({ tenants = var.tenants }))
    headers = {
      "Content-Type" = "application/json"
    }

    oidc_token {
      service_account_email = google_service_account.scheduler.email
      audience              = local.dispatcher_url
    }
  }

  depends_on = [google_cloud_run_v2_service_iam_member.scheduler_invokes_dispatcher]
}
