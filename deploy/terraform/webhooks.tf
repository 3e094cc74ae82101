# Xero's webhooks (docs/deploy.md, "Webhooks"): Xero posts to the Dispatcher's POST /webhooks/xero, which
# checks the body's HMAC-SHA256 signature under the webhook key and opens a targeted run for the records
# the events name. Xero cannot present a Google identity, so with var.webhooks the Dispatcher admits
# unauthenticated callers at Cloud Run (allUsers invoker) and every other route keeps its in-app OIDC
# check, which var.webhooks therefore requires (the in-app check exempts exactly POST /webhooks/xero).
# The Worker stays internal and IAM-only.

# The key is added by hand once Xero shows it (it exists only after the webhook URL is registered):
#   printf %s "$KEY" | gcloud secrets versions add CLIENT-xero-webhook-key --data-file=-
# The Dispatcher reads the latest version through the API (kept five minutes); without a version every
# webhook request is answered 401.
locals {
  webhook_secret_id = "${var.client_name}-xero-webhook-key"
}

resource "google_secret_manager_secret" "xero_webhook_key" {
  project   = var.project
  secret_id = local.webhook_secret_id

  replication {
    auto {}
  }

  depends_on = [google_project_service.apis]
}

resource "google_secret_manager_secret_iam_member" "dispatcher_webhook_key" {
  project   = var.project
  secret_id = google_secret_manager_secret.xero_webhook_key.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.dispatcher.member
}

resource "google_cloud_run_v2_service_iam_member" "xero_invokes_dispatcher" {
  count = var.webhooks ? 1 : 0

  project  = var.project
  location = var.region
  name     = google_cloud_run_v2_service.dispatcher.name
  role     = "roles/run.invoker"
  member   = "allUsers"

  lifecycle {
    precondition {
      condition     = var.in_app_oidc_check
      error_message = "webhooks = true opens the Dispatcher to unauthenticated callers at Cloud Run: set in_app_oidc_check = true so every route but POST /webhooks/xero keeps its OIDC check."
    }
  }
}

# Per record, the latest webhook event time sent for reading (duplicate suppression shared by every Dispatcher
# instance) carries expireAt, two days on: past Xero's 24 hours of retries, Firestore's TTL deletes it.
resource "google_firestore_field" "webhook_sent_ttl" {
  project    = var.project
  database   = google_firestore_database.default.name
  collection = "webhook_sent"
  field      = "expireAt"

  ttl_config {}

  # No single-field index on a timestamp only TTL reads.
  index_config {}
}

# The quiet check: an organisation's category that has had no webhook event for longer than its events make usual (a
# lost event no later event follows opens no hole in the sequence) is read by an incremental, one run per organisation for
# its categories quiet at that check. Every few minutes POST /webhooks/quiet-check on the Dispatcher (the scheduler
# account's OIDC token, like the sync), which takes each quiet category once per quiet spell (docs/webhooks.md, "Lost
# events and quiet categories"). The rule's settings are the webhook_quiet_* variables (run.tf).
resource "google_cloud_scheduler_job" "webhook_quiet_check" {
  count = var.webhooks ? 1 : 0

  name             = "${var.client_name}-webhook-quiet-check"
  project          = var.project
  region           = var.region
  description      = "XeroSync ${var.client_name}: incremental of webhook categories quiet for longer than expected"
  schedule         = var.webhook_quiet_check_schedule
  time_zone        = var.schedule_time_zone
  attempt_deadline = "180s"

  # A missed check is the next one's: a quiet category stays quiet until it is taken.
  retry_config {
    retry_count = 0
  }

  http_target {
    http_method = "POST"
    uri         = "${google_cloud_run_v2_service.dispatcher.uri}/webhooks/quiet-check"

    oidc_token {
      service_account_email = google_service_account.scheduler.email
      audience              = local.dispatcher_url
    }
  }

  depends_on = [google_cloud_run_v2_service_iam_member.scheduler_invokes_dispatcher]
}
