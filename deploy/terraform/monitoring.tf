# Log-based metrics on the services' own log lines (Cloud Logging JSON: jsonPayload.event_id is the
# LoggerMessage EventId, the message's placeholders are camel-cased fields), and an alert on each.
locals {
  service_logs = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=(\"${local.dispatcher_service}\" OR \"${local.worker_service}\")"
}

# FetchMessageProcessor event 801: a fetch request ran out of delivery attempts; its pages are
# recorded as failed (retry them with POST /runs/{run}/retry).
resource "google_logging_metric" "dead_lettered" {
  project     = var.project
  name        = "xerosync/${var.client_name}/dead_lettered"
  description = "Fetch requests dead-lettered after every delivery attempt failed (event 801)."
  filter      = "${local.service_logs} AND jsonPayload.event_id=801"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"

    labels {
      key        = "tenant_id"
      value_type = "STRING"
    }

    labels {
      key        = "endpoint"
      value_type = "STRING"
    }
  }

  label_extractors = {
    tenant_id = "EXTRACT(jsonPayload.tenantId)"
    endpoint  = "EXTRACT(jsonPayload.endpoint)"
  }

  depends_on = [google_project_service.apis]
}

# ManifestLoader event 400 with partial=true: a run's table was loaded without some pages (failed or
# deferred); the run is partial until `retry` completes it.
resource "google_logging_metric" "partial_loads" {
  project     = var.project
  name        = "xerosync/${var.client_name}/partial_loads"
  description = "Manifests loaded while some pages of the run were missing (event 400, partial: true)."
  filter      = "${local.service_logs} AND jsonPayload.event_id=400 AND jsonPayload.partial=true"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"

    labels {
      key        = "tenant_id"
      value_type = "STRING"
    }
  }

  label_extractors = {
    tenant_id = "EXTRACT(jsonPayload.tenantId)"
  }

  depends_on = [google_project_service.apis]
}

# FetchRequestHandler event 501: an organisation's daily Xero call limit is spent; its remaining pages
# are deferred until the reset and picked up by `retry` or the next run.
resource "google_logging_metric" "deferred_daily_limit" {
  project     = var.project
  name        = "xerosync/${var.client_name}/deferred_daily_limit"
  description = "Endpoints deferred because the organisation's daily Xero call limit is spent (event 501)."
  filter      = "${local.service_logs} AND jsonPayload.event_id=501"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"

    labels {
      key        = "tenant_id"
      value_type = "STRING"
    }
  }

  label_extractors = {
    tenant_id = "EXTRACT(jsonPayload.tenantId)"
  }

  depends_on = [google_project_service.apis]
}

resource "google_monitoring_alert_policy" "dead_lettered" {
  project               = var.project
  display_name          = "XeroSync ${var.client_name}: fetch requests dead-lettered"
  combiner              = "OR"
  notification_channels = var.notification_channels

  conditions {
    display_name = "dead-lettered fetch requests > 0"

    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.dead_lettered.name}\" AND resource.type=\"cloud_run_revision\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_SUM"
      }

      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "Pages of a run failed on every delivery attempt and were recorded as failed. Read the Worker's errors (event 503) for the reason, fix it, then `POST /runs/RUN_ID/retry` on the Dispatcher (README \"Operate\")."
  }
}

resource "google_monitoring_alert_policy" "partial_loads" {
  project               = var.project
  display_name          = "XeroSync ${var.client_name}: partial runs"
  combiner              = "OR"
  notification_channels = var.notification_channels

  conditions {
    display_name = "partial manifest loads > 0"

    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.partial_loads.name}\" AND resource.type=\"cloud_run_revision\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period   = "3600s"
        per_series_aligner = "ALIGN_SUM"
      }

      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "A run loaded a table with pages missing (failed, dead-lettered or deferred). `GET /runs/RUN_ID` lists them; `POST /runs/RUN_ID/retry` republishes them (README \"Operate\")."
  }
}

resource "google_monitoring_alert_policy" "deferred_daily_limit" {
  project               = var.project
  display_name          = "XeroSync ${var.client_name}: organisations at Xero's daily limit"
  combiner              = "OR"
  notification_channels = var.notification_channels

  conditions {
    display_name = "endpoints deferred at the daily limit > 0"

    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.deferred_daily_limit.name}\" AND resource.type=\"cloud_run_revision\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period     = "3600s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["metric.label.tenant_id"]
      }

      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "An organisation spent its daily Xero call limit (5,000 a day; 1,000 on Starter plans). Its remaining pages wait for the reset; the next run or `POST /runs/RUN_ID/retry` after the reset fetches them. If it recurs, sync that organisation less often or with fewer endpoints (README \"Operate\")."
  }
}

# RefreshTokenSource event 116: Xero refused the stored refresh token (invalid_grant: revoked, unused for
# 60 days, or used elsewhere). Every call of the connection fails until `connect` runs again.
resource "google_logging_metric" "invalid_grant" {
  project     = var.project
  name        = "xerosync/${var.client_name}/invalid_grant"
  description = "Xero refused the stored refresh token (event 116, invalid_grant)."
  filter      = "${local.service_logs} AND jsonPayload.event_id=116"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
  }

  depends_on = [google_project_service.apis]
}

# Cloud Scheduler's own log: an attempt of the sync or reconcile job that did not succeed (the
# Dispatcher answered an error, timed out, or refused the job's token). Neither job retries.
resource "google_logging_metric" "scheduler_failures" {
  project     = var.project
  name        = "xerosync/${var.client_name}/scheduler_failures"
  description = "Failed attempts of the sync and reconcile Cloud Scheduler jobs."
  filter      = "resource.type=\"cloud_scheduler_job\" AND resource.labels.job_id=(\"${google_cloud_scheduler_job.run.name}\" OR \"${google_cloud_scheduler_job.reconcile.name}\") AND jsonPayload.@type=\"type.googleapis.com/google.cloud.scheduler.logging.AttemptFinished\" AND severity>=ERROR"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"

    labels {
      key        = "job_id"
      value_type = "STRING"
    }
  }

  label_extractors = {
    job_id = "EXTRACT(resource.labels.job_id)"
  }

  depends_on = [google_project_service.apis]
}

resource "google_monitoring_alert_policy" "invalid_grant" {
  project               = var.project
  display_name          = "XeroSync ${var.client_name}: Xero refused the refresh token"
  combiner              = "OR"
  notification_channels = var.notification_channels

  conditions {
    display_name = "invalid_grant > 0"

    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.invalid_grant.name}\" AND resource.type=\"cloud_run_revision\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_SUM"
      }

      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "Xero refused the connection's refresh token (invalid_grant): nothing syncs until it is authorised again. Run `connect --secret` (README \"Deploy\", step 5), then retry the partial runs (README \"Operate\")."
  }
}

resource "google_monitoring_alert_policy" "scheduler_failures" {
  project               = var.project
  display_name          = "XeroSync ${var.client_name}: scheduled sync or reconcile failed to start"
  combiner              = "OR"
  notification_channels = var.notification_channels

  conditions {
    display_name = "failed Scheduler attempts > 0"

    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.scheduler_failures.name}\" AND resource.type=\"cloud_scheduler_job\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period   = "3600s"
        per_series_aligner = "ALIGN_SUM"
      }

      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "Cloud Scheduler could not start a sync or reconcile (the Dispatcher answered an error, timed out or refused the token). The jobs do not retry: read the job's log and the Dispatcher's errors, fix, then `gcloud scheduler jobs run JOB --location REGION` (README \"Operate\")."
  }
}

# Either service answering 5xx: on the Worker Pub/Sub redelivers (a steady rate means a page keeps
# failing); on the Dispatcher an operator's or the Scheduler's call failed.
resource "google_monitoring_alert_policy" "server_errors" {
  project               = var.project
  display_name          = "XeroSync ${var.client_name}: services answering 5xx"
  combiner              = "OR"
  notification_channels = var.notification_channels

  conditions {
    display_name = "5xx responses > 5 in 10 minutes"

    condition_threshold {
      filter          = "metric.type=\"run.googleapis.com/request_count\" AND resource.type=\"cloud_run_revision\" AND resource.labels.service_name=(\"${local.dispatcher_service}\" OR \"${local.worker_service}\") AND metric.labels.response_code_class=\"5xx\""
      comparison      = "COMPARISON_GT"
      threshold_value = 5
      duration        = "0s"

      aggregations {
        alignment_period     = "600s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["resource.label.service_name"]
      }

      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "A service answered more than five 5xx in ten minutes. Read its errors in Logs Explorer (severity>=ERROR); Worker 5xx are redelivered by Pub/Sub and dead-lettered after max_delivery_attempts (README \"Operate\")."
  }
}
