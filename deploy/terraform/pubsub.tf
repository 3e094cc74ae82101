resource "google_pubsub_topic" "fetch_requests" {
  name    = local.topic
  project = var.project

  message_retention_duration = "86400s"

  depends_on = [google_project_service.apis]
}

resource "google_pubsub_topic" "dead_letter" {
  name    = local.dead_letter_topic
  project = var.project

  message_retention_duration = "604800s"

  depends_on = [google_project_service.apis]
}

# Fetch requests pushed to the Worker. The ack deadline is the Worker's budget for one request
# (XEROSYNC_PUSH_DEADLINE_SECONDS, 180-600; a delivery stops waiting for permits 90 s before it, or at half of it at 180 s).
resource "google_pubsub_subscription" "worker" {
  name    = local.push_subscription
  project = var.project
  topic   = google_pubsub_topic.fetch_requests.id

  ack_deadline_seconds       = var.push_deadline_seconds
  message_retention_duration = "86400s"

  push_config {
    push_endpoint = "${local.worker_url}/pubsub"

    oidc_token {
      service_account_email = google_service_account.push.email
      audience              = local.worker_url
    }
  }

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter.id
    max_delivery_attempts = var.max_delivery_attempts
  }

  expiration_policy {
    ttl = ""
  }

  depends_on = [google_cloud_run_v2_service_iam_member.push_invokes_worker]
}

# Dead-lettered copies go to the same Worker route, which records their pages as failed (event 801)
# so that `retry` finds them. Without a subscription, dead-lettered messages would be lost.
resource "google_pubsub_subscription" "dead_letter_worker" {
  name    = local.dead_letter_worker
  project = var.project
  topic   = google_pubsub_topic.dead_letter.id

  ack_deadline_seconds       = 60
  message_retention_duration = "604800s"

  push_config {
    push_endpoint = "${local.worker_url}/pubsub"

    oidc_token {
      service_account_email = google_service_account.push.email
      audience              = local.worker_url
    }
  }

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  expiration_policy {
    ttl = ""
  }

  depends_on = [google_cloud_run_v2_service_iam_member.push_invokes_worker]
}

# The Pub/Sub service agent moves undeliverable messages: it publishes to the dead-letter topic and
# acknowledges on the source subscription.
resource "google_pubsub_topic_iam_member" "agent_publishes_dead_letters" {
  project = var.project
  topic   = google_pubsub_topic.dead_letter.name
  role    = "roles/pubsub.publisher"
  member  = local.pubsub_agent
}

resource "google_pubsub_subscription_iam_member" "agent_acks_source" {
  project      = var.project
  subscription = google_pubsub_subscription.worker.name
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_agent
}

# The Dispatcher publishes first pages; the Worker publishes the remaining page ranges.
resource "google_pubsub_topic_iam_member" "dispatcher_publishes" {
  project = var.project
  topic   = google_pubsub_topic.fetch_requests.name
  role    = "roles/pubsub.publisher"
  member  = google_service_account.dispatcher.member
}

resource "google_pubsub_topic_iam_member" "worker_publishes" {
  project = var.project
  topic   = google_pubsub_topic.fetch_requests.name
  role    = "roles/pubsub.publisher"
  member  = google_service_account.worker.member
}
